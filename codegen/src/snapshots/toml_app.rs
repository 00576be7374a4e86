const _: &[u8] = ::core::include_bytes!("/crate/routes.toml");
/// The cookies declared in the routes file: read, set and delete each with its
/// declared type and attributes.
#[allow(dead_code)]
pub mod cookies {
    ///The `username` cookie, of type `::std::string::String`.
    pub mod username {
        #[allow(unused_imports)]
        use super::super::*;
        /// The cookie's name on the wire.
        pub const NAME: &str = "username";
        const ATTRIBUTES: ::cookie_route::__private::CookieAttributes = ::cookie_route::__private::CookieAttributes {
            max_age: ::cookie_route::__private::Some(const {
                ::cookie_route::__private::max_age(3600i64)
            }),
            expires: ::cookie_route::__private::None,
            path: ::cookie_route::__private::None,
            domain: ::cookie_route::__private::None,
            secure: ::cookie_route::__private::None,
            http_only: ::cookie_route::__private::None,
            same_site: ::cookie_route::__private::Some(
                ::cookie_route::__private::SameSite::Strict,
            ),
            partitioned: ::cookie_route::__private::None,
        };
        /// The cookie holding `value` (anything that displays as the declared type's
        /// text), with its declared attributes.
        pub fn cookie(
            value: impl ::core::fmt::Display,
        ) -> ::cookie_route::__private::Cookie<'static> {
            ::cookie_route::__private::declared_cookie(NAME, &value, &ATTRIBUTES)
        }
        /// Sets the cookie holding `value` on `response`.
        pub fn set(
            response: &mut ::cookie_route::__private::Response,
            value: impl ::core::fmt::Display,
        ) -> ::cookie_route::__private::Result<
            (),
            ::cookie_route::__private::CookieError,
        > {
            response.set_cookie(cookie(value))
        }
        /// Reads the cookie: `None` when absent, a 422 when it does not convert.
        pub fn get(
            request: &::cookie_route::__private::Request,
        ) -> ::cookie_route::__private::Result<
            ::cookie_route::__private::Option<::std::string::String>,
            ::cookie_route::__private::Error,
        > {
            request.cookie_as::<::std::string::String>(NAME)
        }
        /// Removes the cookie from the client, with its declared `Path` and `Domain`.
        pub fn delete(
            response: &mut ::cookie_route::__private::Response,
        ) -> ::cookie_route::__private::Result<
            (),
            ::cookie_route::__private::CookieError,
        > {
            response
                .remove_cookie(
                    ::cookie_route::__private::declared_removal(NAME, &ATTRIBUTES),
                )
        }
    }
}
/// The app declared in the routes file, together with every `#[cookie_route]` of
/// the program.
pub fn app() -> ::cookie_route::__private::App {
    fn __cookie_route_route0(
        __req: ::cookie_route::__private::Request,
    ) -> ::cookie_route::__private::BoxFuture<::cookie_route::__private::Response> {
        let mut __errors = ::cookie_route::__private::Errors::new();
        let (::cookie_route::__private::Some(__cookie_route_arg0),) = (
            __errors
                .take(
                    ::cookie_route::__private::cookie::<
                        ::std::string::String,
                    >(&__req, "username"),
                ),
        ) else {
            return ::cookie_route::__private::rejected(__req, __errors.into_rejection());
        };
        fn __cookie_route_call<'a>(
            (__cookie_route_arg0,): (::core::option::Option<::std::string::String>,),
            __req: &'a ::cookie_route::__private::Request,
            __response: &'a mut ::cookie_route::__private::Response,
        ) -> impl ::cookie_route::__private::Future<
            Output = impl ::cookie_route::__private::IntoResponse + use<>,
        > + ::cookie_route::__private::Send + 'a {
            let __value = {
                #[allow(non_camel_case_types)]
                struct route_at_routes_toml_6_1;
                ::cookie_route::__private::DeclaredHandler::<
                    route_at_routes_toml_6_1,
                    (::core::option::Option<::std::string::String>,),
                >::call_declared(&handlers::get_cookie, (__cookie_route_arg0,))
            };
            __value
        }
        ::cookie_route::__private::run(
            __req,
            (__cookie_route_arg0,),
            __cookie_route_call,
            ::cookie_route::__private::None,
        )
    }
    static __COOKIE_ROUTE_ROUTE0: ::cookie_route::__private::FileRoute = ::cookie_route::__private::FileRoute {
        path: "/getcookie",
        handler: __cookie_route_route0,
        location: "routes.toml:6:1",
        automatic_options: false,
        cross_origin: true,
        requires: ::cookie_route::__private::requires_nothing,
        doc: ::cookie_route::__private::operation_doc!(
            ::cookie_route::__private::OperationDoc::new("get_cookie", &
            [::cookie_route::__private::ParamDoc::cookie("username",
            ::cookie_route::__private::schema!(::core::option::Option <
            ::std::string::String >), false)])
        ),
    };
    let app = ::cookie_route::__private::App::declared();
    let app = ::cookie_route::__private::route(
        app,
        ::cookie_route::__private::Method::GET,
        &__COOKIE_ROUTE_ROUTE0,
    );
    app.limits(::cookie_route::__private::Limits::default())
}
