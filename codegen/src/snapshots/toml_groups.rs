const _: &[u8] = ::core::include_bytes!("/crate/routes.toml");
/// The cookies declared in the routes file: read, set and delete each with its
/// declared type and attributes.
#[allow(dead_code)]
pub mod cookies {}
/// The route groups of the routes file, each an `App` of its routes before it is
/// mounted under its prefix: its routes from the file, and every
/// `#[cookie_route(..., group = "name")]` of the program. `app_with` gives them to a
/// function that may add middleware, state or more routes to one group only.
#[derive(Debug)]
pub struct Groups {
    ///`[groups.api]` (routes.toml:2:1): the routes served under `/api`, the file's and every `#[cookie_route(..., group = "api")]`.
    pub api: ::cookie_route::__private::App,
    ///`[groups.users]` (routes.toml:5:1): the routes served under `/users/{user_id}`, the file's and every `#[cookie_route(..., group = "users")]`.
    pub users: ::cookie_route::__private::App,
}
///The app declared in the routes file, together with every `#[cookie_route]` of the program, each group's routes mounted under its prefix (`api` under `/api`, `users` under `/users/{user_id}`). The same as `app_with(|groups| groups)`.
pub fn app() -> ::cookie_route::__private::App {
    app_with(|groups| groups)
}
/// The app of `app()`, with `f` given the groups before they are mounted, to change
/// one group only: middleware added to `groups.api` runs around the routes of `api`
/// and no others.
///
/// ```text
/// let app = app_with(|mut groups| {
///     groups.api = groups.api.middleware(require_api_key);
///     groups
/// });
/// ```
///
/// Each group is then mounted with `App::nest`, whose rules and checks apply (a
/// route of a group that matches the same requests as another makes `App::build`
/// fail, naming both). Replacing a group with another `App` drops its routes from
/// the file; `App::build` fails if it had `#[cookie_route]` ones.
pub fn app_with(
    f: impl ::core::ops::FnOnce(Groups) -> Groups,
) -> ::cookie_route::__private::App {
    fn __cookie_route_declared() -> (::cookie_route::__private::App, Groups) {
        fn __cookie_route_route0(
            __req: ::cookie_route::__private::Request,
        ) -> ::cookie_route::__private::BoxFuture<::cookie_route::__private::Response> {
            fn __cookie_route_call<'a>(
                (): (),
                __req: &'a ::cookie_route::__private::Request,
                __response: &'a mut ::cookie_route::__private::Response,
            ) -> impl ::cookie_route::__private::Future<
                Output = impl ::cookie_route::__private::IntoResponse + use<>,
            > + ::cookie_route::__private::Send + 'a {
                let __value = {
                    #[allow(non_camel_case_types)]
                    struct route_at_routes_toml_8_1;
                    ::cookie_route::__private::DeclaredHandler::<
                        route_at_routes_toml_8_1,
                        (),
                    >::call_declared(&handlers::home, ())
                };
                __value
            }
            ::cookie_route::__private::run(
                __req,
                (),
                __cookie_route_call,
                ::cookie_route::__private::None,
            )
        }
        static __COOKIE_ROUTE_ROUTE0: ::cookie_route::__private::FileRoute = ::cookie_route::__private::FileRoute {
            path: "/",
            handler: __cookie_route_route0,
            location: "routes.toml:8:1",
            automatic_options: false,
            cross_origin: true,
            requires: ::cookie_route::__private::requires_nothing,
            doc: ::cookie_route::__private::operation_doc!(
                ::cookie_route::__private::OperationDoc::new("home", & [])
            ),
        };
        fn __cookie_route_route1(
            __req: ::cookie_route::__private::Request,
        ) -> ::cookie_route::__private::BoxFuture<::cookie_route::__private::Response> {
            fn __cookie_route_call<'a>(
                (): (),
                __req: &'a ::cookie_route::__private::Request,
                __response: &'a mut ::cookie_route::__private::Response,
            ) -> impl ::cookie_route::__private::Future<
                Output = impl ::cookie_route::__private::IntoResponse + use<>,
            > + ::cookie_route::__private::Send + 'a {
                let __value = {
                    #[allow(non_camel_case_types)]
                    struct route_at_routes_toml_13_1;
                    ::cookie_route::__private::DeclaredHandler::<
                        route_at_routes_toml_13_1,
                        (),
                    >::call_declared(&handlers::items, ())
                };
                __value
            }
            ::cookie_route::__private::run(
                __req,
                (),
                __cookie_route_call,
                ::cookie_route::__private::None,
            )
        }
        static __COOKIE_ROUTE_ROUTE1: ::cookie_route::__private::FileRoute = ::cookie_route::__private::FileRoute {
            path: "/items",
            handler: __cookie_route_route1,
            location: "routes.toml:13:1",
            automatic_options: false,
            cross_origin: true,
            requires: ::cookie_route::__private::requires_nothing,
            doc: ::cookie_route::__private::operation_doc!(
                ::cookie_route::__private::OperationDoc::new("items", & [])
            ),
        };
        fn __cookie_route_route2(
            __req: ::cookie_route::__private::Request,
        ) -> ::cookie_route::__private::BoxFuture<::cookie_route::__private::Response> {
            let mut __errors = ::cookie_route::__private::Errors::new();
            let (::cookie_route::__private::Some(__cookie_route_arg0),) = (
                __errors.take(::cookie_route::__private::path::<u32>(&__req, "user_id")),
            ) else {
                return ::cookie_route::__private::rejected(
                    __req,
                    __errors.into_rejection(),
                );
            };
            fn __cookie_route_call<'a>(
                (__cookie_route_arg0,): (u32,),
                __req: &'a ::cookie_route::__private::Request,
                __response: &'a mut ::cookie_route::__private::Response,
            ) -> impl ::cookie_route::__private::Future<
                Output = impl ::cookie_route::__private::IntoResponse + use<>,
            > + ::cookie_route::__private::Send + 'a {
                let __value = {
                    #[allow(non_camel_case_types)]
                    struct route_at_routes_toml_19_1;
                    ::cookie_route::__private::DeclaredHandler::<
                        route_at_routes_toml_19_1,
                        (u32,),
                    >::call_declared(&handlers::posts, (__cookie_route_arg0,))
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
        static __COOKIE_ROUTE_ROUTE2: ::cookie_route::__private::FileRoute = ::cookie_route::__private::FileRoute {
            path: "/posts",
            handler: __cookie_route_route2,
            location: "routes.toml:19:1",
            automatic_options: false,
            cross_origin: true,
            requires: ::cookie_route::__private::requires_nothing,
            doc: ::cookie_route::__private::operation_doc!(
                ::cookie_route::__private::OperationDoc::new("posts", &
                [::cookie_route::__private::ParamDoc::path("user_id",
                ::cookie_route::__private::schema!(u32))])
            ),
        };
        let app = ::cookie_route::__private::App::declared();
        let app = ::cookie_route::__private::route(
            app,
            ::cookie_route::__private::Method::GET,
            &__COOKIE_ROUTE_ROUTE0,
        );
        (
            app,
            Groups {
                api: {
                    let group = ::cookie_route::__private::file_group("api");
                    let group = ::cookie_route::__private::route(
                        group,
                        ::cookie_route::__private::Method::GET,
                        &__COOKIE_ROUTE_ROUTE1,
                    );
                    let group = ::cookie_route::__private::route(
                        group,
                        ::cookie_route::__private::Method::HEAD,
                        &__COOKIE_ROUTE_ROUTE1,
                    );
                    group
                },
                users: {
                    let group = ::cookie_route::__private::file_group("users");
                    let group = ::cookie_route::__private::route(
                        group,
                        ::cookie_route::__private::Method::GET,
                        &__COOKIE_ROUTE_ROUTE2,
                    );
                    group
                },
            },
        )
    }
    fn __cookie_route_mount(
        app: ::cookie_route::__private::App,
        groups: Groups,
    ) -> ::cookie_route::__private::App {
        let Groups { api: __cookie_route_group0, users: __cookie_route_group1 } = groups;
        let app = app.nest("/api", __cookie_route_group0);
        let app = app.nest("/users/{user_id}", __cookie_route_group1);
        app.limits(::cookie_route::__private::Limits::default())
    }
    let (app, groups) = __cookie_route_declared();
    __cookie_route_mount(app, f(groups))
}
