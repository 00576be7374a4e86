//! Where the routes declared with `#[cookie_route]` are collected: each attribute registers
//! its route's [`DeclaredRoute`](crate::app::DeclaredRoute) with `register!` (`__cookie_route_register`), and
//! [`declared`] gives them all back at run time.
//!
//! On Linux and Android, the route is one `static` in a linker section of its own,
//! `cookie_route_routes_0_1` (`__cookie_route_section!`): the linker lays every such static
//! of the program end to end and defines `__start_` and `__stop_` symbols around them, as ELF
//! linkers do for a section whose name is an identifier (GNU ld, gold and lld were tried,
//! debug and release, with `--gc-sections` and LTO).
//! Nothing runs at start, and a route costs its crate one item. The table is per linked
//! object: routes in a Rust `dylib` apart from the runtime's are not seen (statically linked
//! crates, the usual build, are one object). Elsewhere, `inventory` registers them: a
//! constructor function and two statics per route, run before `main`.
//!
//! The only `unsafe` of the workspace is here: reading the linker's table (see
//! `SECURITY.md`).
//!
//! Why not `inventory` everywhere: on a 100-route app, what the compiler does again on a
//! `cargo check` after a touch, with the macros' output already expanded, was 702M
//! instructions with `inventory`'s three items per route and 637M with one static (92M of
//! the 702M were the registrations). Why not `linkme`, which places statics in sections
//! too: its `#[distributed_slice]` is a procedural macro of its own on each element, and the
//! same app checked in 805M.

#![allow(unsafe_code)]

#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use section::declared;

#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) use constructors::declared;

/// Linux and Android: one static per route in a linker section.
#[cfg(any(target_os = "linux", target_os = "android"))]
mod section {
    use std::mem::{MaybeUninit, size_of};

    use crate::app::DeclaredRoute;

    /// The section's name, with the version whose `DeclaredRoute` it holds: two versions of
    /// this crate in one program (whose routes' types differ) keep their routes apart. A
    /// test checks it against the crate's version.
    #[doc(hidden)]
    #[macro_export]
    macro_rules! __cookie_route_section {
        () => {
            "cookie_route_routes_0_1"
        };
    }

    /// Registers a route's [`DeclaredRoute`] (a constant expression) for [`declared`].
    /// Generated code writes it once per `#[cookie_route]`, inside the block of the route's
    /// items.
    #[doc(hidden)]
    #[macro_export]
    macro_rules! __cookie_route_register {
        ($route:expr) => {
            #[used]
            #[unsafe(link_section = $crate::__private::section!())]
            static __COOKIE_ROUTE_DECLARED: $crate::__private::DeclaredRoute = $route;
        };
    }

    /// Not a route: a member of the section in this crate, so that the section (and the
    /// linker's symbols around it) exists in a program that declares no route. Its bytes are
    /// zero, and [`declared`] never reads them.
    #[used]
    #[unsafe(link_section = crate::__cookie_route_section!())]
    static NONE: MaybeUninit<DeclaredRoute> = MaybeUninit::zeroed();

    // Empty arrays, as `linkme` declares them: the symbols are places, not values.
    unsafe extern "Rust" {
        #[link_name = concat!("__start_", crate::__cookie_route_section!())]
        static START: [DeclaredRoute; 0];
        #[link_name = concat!("__stop_", crate::__cookie_route_section!())]
        static STOP: [DeclaredRoute; 0];
    }

    /// Every route declared with `#[cookie_route]` in the program, in no particular order.
    pub(crate) fn declared() -> impl Iterator<Item = &'static DeclaredRoute> {
        let start = (&raw const START).cast::<DeclaredRoute>();
        let stop = (&raw const STOP).cast::<DeclaredRoute>();
        // Named here, the placeholder is linked wherever this function is.
        let none = (&raw const NONE).cast::<DeclaredRoute>();
        let bytes = stop as usize - start as usize;
        // Statics of one type, each aligned to it: the linker leaves no gap between them.
        debug_assert_eq!(bytes % size_of::<DeclaredRoute>(), 0);
        (0..bytes / size_of::<DeclaredRoute>())
            .map(move |i| start.wrapping_add(i))
            .filter(move |&route| route != none)
            // SAFETY: `start..stop` is the section, which holds only `DeclaredRoute` statics
            // (`register!` puts nothing else there) and the placeholder, skipped above: each
            // of these is an initialized `DeclaredRoute`, alive for the whole program and
            // never written.
            .map(|route| unsafe { &*route })
    }

    #[cfg(test)]
    mod tests {
        /// A release that changes the crate's version without the section's name would mix
        /// two versions' routes in one program.
        #[test]
        fn the_section_is_named_for_this_version() {
            let major = env!("CARGO_PKG_VERSION_MAJOR");
            let minor = env!("CARGO_PKG_VERSION_MINOR");
            let version = if major == "0" { format!("0_{minor}") } else { major.to_owned() };
            assert_eq!(crate::__cookie_route_section!(), format!("cookie_route_routes_{version}"));
        }

        #[test]
        fn the_placeholder_is_not_a_route() {
            // This crate's unit tests declare no route: the section holds only the placeholder.
            assert_eq!(super::declared().count(), 0);
        }
    }
}

/// Elsewhere: `inventory`, a constructor per route.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
mod constructors {
    use crate::app::DeclaredRoute;

    /// See the Linux variant.
    #[doc(hidden)]
    #[macro_export]
    macro_rules! __cookie_route_register {
        ($route:expr) => {
            $crate::__private::inventory::submit! { $route }
        };
    }

    inventory::collect!(DeclaredRoute);

    /// Every route declared with `#[cookie_route]` in the program, in no particular order.
    pub(crate) fn declared() -> impl Iterator<Item = &'static DeclaredRoute> {
        inventory::iter::<DeclaredRoute>.into_iter()
    }
}
