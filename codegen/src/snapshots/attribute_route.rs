fn __cookie_route_handler(
    __req: ::cookie_route::__private::Request,
) -> ::cookie_route::__private::BoxFuture<::cookie_route::__private::Response> {
    let mut __errors = ::cookie_route::__private::Errors::new();
    let (
        ::cookie_route::__private::Some(__cookie_route_arg0),
        ::cookie_route::__private::Some(__cookie_route_arg1),
    ) = (
        __errors.take(::cookie_route::__private::path::<u32>(&__req, "item_id")),
        __errors.take(::cookie_route::__private::cookie::<String>(&__req, "ads_id")),
    ) else {
        return ::cookie_route::__private::rejected(__req, __errors.into_rejection());
    };
    fn __cookie_route_call<'a>(
        (__cookie_route_arg0, __cookie_route_arg1): (u32, Option<String>),
        __req: &'a ::cookie_route::__private::Request,
        __response: &'a mut ::cookie_route::__private::Response,
    ) -> impl ::cookie_route::__private::Future<
        Output = impl ::cookie_route::__private::ModelOutput + use<>,
    > + ::cookie_route::__private::Send + 'a {
        let __value = read_item(
            __cookie_route_arg0,
            __cookie_route_arg1,
            &mut *__response,
        );
        __value
    }
    ::cookie_route::__private::run_model::<
        Item,
        _,
        _,
        _,
    >(
        __req,
        (__cookie_route_arg0, __cookie_route_arg1),
        __cookie_route_call,
        ::cookie_route::__private::None,
        &::cookie_route::__private::FilterOptions {
            exclude_unset: true,
            ..::cookie_route::__private::FilterOptions::NONE
        },
    )
}
::cookie_route::__private::register! {
    ::cookie_route::__private::DeclaredRoute::new(& ["GET"], "/items/{item_id}",
    __cookie_route_handler,
    ::cookie_route::__private::concat!(::cookie_route::__private::file!(), ":",
    ::cookie_route::__private::line!(), ":", ::cookie_route::__private::column!()),
    ::cookie_route::__private::operation_doc!(::cookie_route::__private::OperationDoc::new("read_item",
    & [::cookie_route::__private::ParamDoc::path("item_id",
    ::cookie_route::__private::schema!(u32)),
    ::cookie_route::__private::ParamDoc::cookie("ads_id",
    ::cookie_route::__private::schema!(Option < String >), false)])
    .with_model(::cookie_route::__private::ModelDoc::new(::cookie_route::__private::schema!(Item)))))
    .in_group("api")
}
