fn __cookie_route_handler(
    __req: ::cookie_route::__private::Request,
) -> ::cookie_route::__private::BoxFuture<::cookie_route::__private::Response> {
    ::cookie_route::__private::Box::pin(async move {
        let mut __response = ::cookie_route::__private::Response::new();
        let mut __errors = ::cookie_route::__private::Errors::new();
        let __cookie_route_arg0 = __errors
            .take(::cookie_route::__private::path::<u32>(&__req, "item_id"));
        let __cookie_route_arg1 = __errors
            .take(::cookie_route::__private::cookie::<String>(&__req, "ads_id"));
        if let ::cookie_route::__private::Some(rejection) = __errors.into_response() {
            return rejection;
        }
        let (
            ::cookie_route::__private::Some(__cookie_route_arg0),
            ::cookie_route::__private::Some(__cookie_route_arg1),
        ) = (__cookie_route_arg0, __cookie_route_arg1) else {
            return ::cookie_route::__private::Response::internal_server_error();
        };
        let __value = read_item(
                __cookie_route_arg0,
                __cookie_route_arg1,
                &mut __response,
            )
            .await;
        {
            static __OPTIONS: ::cookie_route::__private::FilterOptions = ::cookie_route::__private::FilterOptions {
                include: ::cookie_route::__private::None,
                exclude: &[],
                exclude_unset: true,
                exclude_none: false,
                exclude_defaults: false,
            };
            ::cookie_route::__private::finish_model::<
                Item,
                _,
            >(&mut __response, __value, ::cookie_route::__private::None, &__OPTIONS)
        };
        if let ::cookie_route::__private::Some(__later) = ::cookie_route::__private::after(
            &__req,
            &mut __response,
        ) {
            __later.await;
        }
        __response
    })
}
::cookie_route::__private::inventory::submit! {
    ::cookie_route::__private::DeclaredRoute { methods : & ["GET"], path :
    "/items/{item_id}", group : ::cookie_route::__private::Some("api"), handler :
    __cookie_route_handler, location :
    ::cookie_route::__private::concat!(::cookie_route::__private::file!(), ":",
    ::cookie_route::__private::line!(), ":", ::cookie_route::__private::column!()),
    requires : ::cookie_route::__private::requires_nothing, }
}
