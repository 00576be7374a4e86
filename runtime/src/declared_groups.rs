//! Which groups of `#[cookie_route(..., group = "name")]` routes an app has to mount, so that
//! [`App::build`](crate::App::build) fails rather than drop them: `App::declared()` leaves
//! each group out and notes it here, nesting an `App::declared_group(name)` (at any depth)
//! marks it mounted, and the build names every group left out and not mounted.

/// An app's account of its declared groups.
#[derive(Debug, Default)]
pub(crate) struct DeclaredGroups {
    /// The groups that `App::declared()` or `with_declared()` left out, each with one of its
    /// routes as errors name it (`` `GET /items` at src/api.rs:3:10 ``).
    left_out: Vec<(&'static str, String)>,
    /// The groups mounted in this app: the `App::declared_group` apps nested into it.
    mounted: Vec<String>,
    /// The group this app holds, when `App::declared_group` made it.
    this: Option<String>,
}

impl DeclaredGroups {
    /// The account of the app `App::declared_group(name)` makes.
    pub(crate) fn of(name: &str) -> Self {
        Self { this: Some(name.to_owned()), ..Self::default() }
    }

    /// Notes that a route of `group` (`route`, as errors name it) was left out.
    pub(crate) fn leave_out(&mut self, group: &'static str, route: impl FnOnce() -> String) {
        if !self.left_out.iter().any(|(g, _)| *g == group) {
            self.left_out.push((group, route()));
        }
    }

    /// Takes in the account of a group nested into this app: the group it is, if any, is
    /// mounted, and so is every group mounted in it; what it left out is this app's to mount.
    pub(crate) fn nested(&mut self, group: Self) {
        self.mounted.extend(group.this);
        self.mounted.extend(group.mounted);
        for (name, route) in group.left_out {
            self.leave_out(name, || route);
        }
    }

    /// An error for each group left out and not mounted.
    pub(crate) fn unmounted(&self) -> impl Iterator<Item = String> + '_ {
        self.left_out.iter().filter(|(g, _)| !self.mounted.iter().any(|m| m == g)).map(
            |(group, route)| {
                format!(
                    "the routes declared with `group = \"{group}\"` (such as {route}) are not \
                     mounted: App::declared() leaves them out; nest them under their prefix \
                     with `.nest(\"/prefix\", App::declared_group(\"{group}\"))`"
                )
            },
        )
    }
}
