//! Application state: values the app holds for every request (a connection pool, a
//! configuration), registered by type with [`App::state`](crate::App::state) and taken by
//! handlers and dependencies as [`State<T>`].

use std::any::{Any, TypeId};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use rustc_hash::FxHashMap;

/// Shared state of type `T`, registered with [`App::state`](crate::App::state): a handler
/// or dependency parameter, cheap to clone, that dereferences to `T`.
///
/// A route that takes `State<T>`, directly or through its dependencies, in an app that has
/// no `T` makes [`App::build`](crate::App::build) fail, naming the route: the mistake is
/// found at start-up, never at the first request.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use cookie_route::{App, Request, State};
///
/// #[derive(Default)]
/// struct Visits(AtomicU64);
///
/// async fn count(request: Request) -> Result<String, cookie_route::Error> {
///     let visits = request.state::<Visits>()?;
///     Ok((visits.0.fetch_add(1, Ordering::Relaxed) + 1).to_string())
/// }
///
/// let app = App::new().state(Visits::default()).get("/", count);
/// # let _ = app.build()?;
/// # Ok::<(), cookie_route::StartError>(())
/// ```
pub struct State<T: ?Sized>(Arc<T>);

impl<T: ?Sized> Clone for State<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T: ?Sized> Deref for State<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for State<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("State").field(&&*self.0).finish()
    }
}

/// The app's state values, one per type.
#[derive(Default)]
pub(crate) struct StateMap {
    values: FxHashMap<TypeId, (Arc<dyn Any + Send + Sync>, &'static str)>,
}

impl fmt::Debug for StateMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StateMap").field("types", &self.values.len()).finish()
    }
}

impl StateMap {
    /// Adds `value`; `false` when a value of its type is there already (kept).
    pub(crate) fn insert<T: Send + Sync + 'static>(&mut self, value: T) -> bool {
        let id = TypeId::of::<T>();
        if self.values.contains_key(&id) {
            return false;
        }
        self.values.insert(id, (Arc::new(value), std::any::type_name::<T>()));
        true
    }

    /// Adds `other`'s values; the names of the types both have (this one's are kept).
    pub(crate) fn merge(&mut self, other: StateMap) -> Vec<&'static str> {
        let mut repeated = Vec::new();
        for (id, value) in other.values {
            match self.values.entry(id) {
                std::collections::hash_map::Entry::Occupied(_) => repeated.push(value.1),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
            }
        }
        repeated
    }

    pub(crate) fn contains(&self, id: TypeId) -> bool {
        self.values.contains_key(&id)
    }

    pub(crate) fn get<T: Send + Sync + 'static>(&self) -> Option<State<T>> {
        let value = self.values.get(&TypeId::of::<T>())?.0.clone();
        value.downcast::<T>().ok().map(State)
    }
}
