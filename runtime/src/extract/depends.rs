//! `Depends<T>`: a dependency made once per request and shared by everyone who asks for it
//! (the handler, its other dependencies), as FastAPI caches `Depends(get_db)` per request.

use std::sync::Arc;

use crate::extract::{FromRequest, Requirements};
use crate::request::Request;
use crate::response::Response;

/// The dependency `T`, made once per request: every `Depends<T>` of one request (handler
/// parameters, and dependencies that build one with `Depends::<T>::from_request`) shares the
/// first one made. Taking `T` itself instead makes a new one each time, as FastAPI's
/// `Depends(get_db, use_cache=False)`. A `T` that fails is not kept: its rejection answers
/// the request, and the handler is not called.
///
/// ```
/// use cookie_route::{Depends, Error, FromRequest, Request, Requirements, Response, State};
///
/// /// A database handle, opened per request.
/// struct Db(String);
///
/// impl FromRequest for Db {
///     type Rejection = Error;
///
///     async fn from_request(request: &Request, _: &mut Response) -> Result<Self, Error> {
///         Ok(Db(format!("connection for {}", request.path())))
///     }
/// }
///
/// /// The signed-in user, loaded with the request's one `Db`.
/// struct CurrentUser(String);
///
/// impl FromRequest for CurrentUser {
///     type Rejection = Error;
///
///     async fn from_request(request: &Request, response: &mut Response) -> Result<Self, Error> {
///         let db = Depends::<Db>::from_request(request, response).await?;
///         Ok(CurrentUser(format!("ann, via {}", db.0)))
///     }
///
///     fn requires(requirements: &mut Requirements) {
///         requirements.dependency::<Depends<Db>>();
///     }
/// }
///
/// // A handler taking `user: CurrentUser, db: Depends<Db>` opens one `Db` per request.
/// ```
pub struct Depends<T>(Arc<T>);

impl<T> Depends<T> {
    /// The shared value.
    pub fn shared(this: &Self) -> &Arc<T> {
        &this.0
    }
}

impl<T> Clone for Depends<T> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<T> std::ops::Deref for Depends<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Depends<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Depends").field(&self.0).finish()
    }
}

impl<T: FromRequest + Send + Sync + 'static> FromRequest for Depends<T> {
    type Rejection = T::Rejection;

    async fn from_request(
        request: &Request,
        response: &mut Response,
    ) -> Result<Self, Self::Rejection> {
        if let Some(made) = request.pending().made::<T>() {
            return Ok(Self(made));
        }
        let made = Arc::new(T::from_request(request, response).await?);
        request.pending().keep_made(Arc::clone(&made));
        Ok(Self(made))
    }

    fn requires(requirements: &mut Requirements) {
        T::requires(requirements);
    }
}
