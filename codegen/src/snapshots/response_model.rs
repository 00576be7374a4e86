const _: () = {
    impl ::cookie_route::__private::ResponseModel for UserOut {
        const FIELD_NAMES: &'static [&'static str] = &["userName", "fullName", "tags"];
        fn schema() -> &'static ::cookie_route::__private::ModelSchema {
            static __COOKIE_ROUTE_SCHEMA: ::cookie_route::__private::ModelSchema = ::cookie_route::__private::ModelSchema {
                name: "UserOut",
                fields: &[
                    ::cookie_route::__private::FieldSchema {
                        name: "userName",
                        shape: <String as ::cookie_route::__private::FieldShape>::shape,
                        default: ::cookie_route::__private::None,
                    },
                    ::cookie_route::__private::FieldSchema {
                        name: "fullName",
                        shape: <Option<
                            String,
                        > as ::cookie_route::__private::FieldShape>::shape,
                        default: ::cookie_route::__private::Some({
                            fn __cookie_route_default() -> ::cookie_route::__private::JsonValue {
                                ::cookie_route::__private::JsonValue::Null
                            }
                            __cookie_route_default
                        }),
                    },
                    ::cookie_route::__private::FieldSchema {
                        name: "tags",
                        shape: <Vec<
                            String,
                        > as ::cookie_route::__private::FieldShape>::shape,
                        default: ::cookie_route::__private::Some({
                            fn __cookie_route_default() -> ::cookie_route::__private::JsonValue {
                                ::cookie_route::__private::to_json(
                                    &<Vec<String> as ::core::default::Default>::default(),
                                )
                            }
                            __cookie_route_default
                        }),
                    },
                ],
            };
            &__COOKIE_ROUTE_SCHEMA
        }
    }
    impl ::cookie_route::__private::FieldShape for UserOut {
        fn shape() -> ::cookie_route::__private::Shape {
            ::cookie_route::__private::Shape::Model(
                <UserOut as ::cookie_route::__private::ResponseModel>::schema,
            )
        }
    }
};
