fn __cookie_route_handler(
    __req: ::cookie_route::__private::Request,
) -> ::cookie_route::__private::BoxFuture<::cookie_route::__private::Response> {
    ::cookie_route::__private::Box::pin(async move {
        let mut __response = ::cookie_route::__private::Response::new();
        '__cookie_route_handler: {
            let mut __errors = ::cookie_route::__private::Errors::new();
            let __cookie_route_arg1 = match ::cookie_route::__private::dependency::<
                CurrentUser,
            >(&__req, &mut __response)
                .await
            {
                ::cookie_route::__private::Ok(v) => v,
                ::cookie_route::__private::Err(rejection) => {
                    ::cookie_route::__private::reject(&mut __response, rejection);
                    break '__cookie_route_handler;
                }
            };
            let __cookie_route_arg0 = __errors
                .take(::cookie_route::__private::path::<u32>(&__req, "item_id"));
            let __cookie_route_arg2 = __errors
                .take(::cookie_route::__private::query::<String>(&__req, "q"));
            let __cookie_route_arg3 = match __errors
                .take_body(
                    ::cookie_route::__private::body::<Json<NewItem>>(&__req).await,
                )
            {
                ::cookie_route::__private::Ok(v) => v,
                ::cookie_route::__private::Err(rejection) => {
                    ::cookie_route::__private::reject(&mut __response, rejection);
                    break '__cookie_route_handler;
                }
            };
            if let ::cookie_route::__private::Some(rejection) = __errors.into_response()
            {
                ::cookie_route::__private::reject(&mut __response, rejection);
                break '__cookie_route_handler;
            }
            let (
                ::cookie_route::__private::Some(__cookie_route_arg0),
                ::cookie_route::__private::Some(__cookie_route_arg2),
                ::cookie_route::__private::Some(__cookie_route_arg3),
            ) = (__cookie_route_arg0, __cookie_route_arg2, __cookie_route_arg3) else {
                ::cookie_route::__private::reject(
                    &mut __response,
                    ::cookie_route::__private::Response::internal_server_error(),
                );
                break '__cookie_route_handler;
            };
            let __value = update_item(
                    __cookie_route_arg0,
                    __cookie_route_arg1,
                    __cookie_route_arg2,
                    __cookie_route_arg3,
                    &__req,
                    &mut __response,
                )
                .await;
            ::cookie_route::__private::finish(
                &mut __response,
                __value,
                ::cookie_route::__private::Some(const {
                    ::cookie_route::__private::status(201u16)
                }),
            );
        }
        if let ::cookie_route::__private::Some(__later) = ::cookie_route::__private::after(
            &__req,
            &mut __response,
        ) {
            __later.await;
        }
        __response
    })
}
