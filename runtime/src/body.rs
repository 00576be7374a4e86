//! Response bodies: empty, a buffer, or a stream.

use std::borrow::Cow;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;

use crate::raised::Raised;

/// A boxed error from a body, a user's code or a store.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A response body: empty, a buffer, or a stream.
pub struct Body {
    kind: BodyKind,
}

enum BodyKind {
    Empty,
    Full(Bytes),
    Stream(BoxBody<Bytes, BoxError>),
    /// A 500's, holding the error a handler returned ([`Raised`]) until the app's error
    /// handlers answer it; sent as the bare 500's text if they never do.
    Raised(Box<Raised>),
}

/// What a 500 says.
const INTERNAL: &str = "Internal Server Error";

impl Body {
    /// An empty body.
    pub const fn empty() -> Self {
        Self { kind: BodyKind::Empty }
    }

    /// A body streamed from any [`http_body::Body`] (`Sync` or not, as tower-http's
    /// `ServeDir` bodies are not).
    pub fn from_stream<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let hint = body.size_hint();
        let end = body.is_end_stream();
        let body = Unsynced { inner: sync_wrapper::SyncWrapper::new(body), hint, end };
        Self { kind: BodyKind::Stream(body.map_err(Into::into).boxed()) }
    }

    /// The whole body, when it is held in memory.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.kind {
            BodyKind::Empty => Some(&[]),
            BodyKind::Full(b) => Some(b),
            BodyKind::Stream(_) => None,
            BodyKind::Raised(_) => Some(INTERNAL.as_bytes()),
        }
    }

    /// A 500's body that holds `error` for the app's error handlers.
    pub(crate) fn raised(error: Raised) -> Self {
        Self { kind: BodyKind::Raised(Box::new(error)) }
    }

    /// Puts `body` in place of this one. The old body is dropped only when it holds
    /// something: a temporal response's body is empty until its handler's value is written
    /// on it, and skipping the drop glue's call there is measurable on every request.
    #[inline]
    pub(crate) fn replace(&mut self, body: Body) {
        let old = std::mem::replace(self, body);
        if matches!(old.kind, BodyKind::Empty) {
            // Nothing to free: `Empty` owns nothing.
            std::mem::forget(old);
        } else {
            drop(old);
        }
    }

    /// Whether the body holds an error for the app's error handlers.
    #[inline]
    pub(crate) fn is_raised(&self) -> bool {
        matches!(self.kind, BodyKind::Raised(_))
    }

    /// The error the body holds, if any, leaving the bare 500's text.
    pub(crate) fn take_raised(&mut self) -> Option<Raised> {
        if !self.is_raised() {
            return None;
        }
        match std::mem::replace(
            &mut self.kind,
            BodyKind::Full(Bytes::from_static(INTERNAL.as_bytes())),
        ) {
            BodyKind::Raised(raised) => Some(*raised),
            _ => None,
        }
    }

    /// Collects the whole body.
    pub async fn collect(self) -> Result<Bytes, BoxError> {
        match self.kind {
            BodyKind::Empty => Ok(Bytes::new()),
            BodyKind::Full(b) => Ok(b),
            BodyKind::Stream(s) => Ok(s.collect().await?.to_bytes()),
            BodyKind::Raised(_) => Ok(Bytes::from_static(INTERNAL.as_bytes())),
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            BodyKind::Empty => f.write_str("Body::Empty"),
            BodyKind::Full(b) => write!(f, "Body::Full({} bytes)", b.len()),
            BodyKind::Stream(_) => f.write_str("Body::Stream"),
            BodyKind::Raised(_) => f.write_str("Body::Raised"),
        }
    }
}

impl From<Bytes> for Body {
    fn from(b: Bytes) -> Self {
        Self { kind: BodyKind::Full(b) }
    }
}

impl From<Vec<u8>> for Body {
    fn from(v: Vec<u8>) -> Self {
        Bytes::from(v).into()
    }
}

impl From<String> for Body {
    fn from(s: String) -> Self {
        Bytes::from(s).into()
    }
}

impl From<&'static str> for Body {
    fn from(s: &'static str) -> Self {
        Bytes::from_static(s.as_bytes()).into()
    }
}

impl From<&'static [u8]> for Body {
    fn from(s: &'static [u8]) -> Self {
        Bytes::from_static(s).into()
    }
}

impl From<Cow<'static, str>> for Body {
    fn from(s: Cow<'static, str>) -> Self {
        match s {
            Cow::Borrowed(s) => s.into(),
            Cow::Owned(s) => s.into(),
        }
    }
}

impl Body {
    /// A 500's text in place of the error no handler answered.
    #[cold]
    fn unanswered(&mut self) -> Bytes {
        self.kind = BodyKind::Empty;
        Bytes::from_static(INTERNAL.as_bytes())
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    #[inline]
    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match &mut this.kind {
            BodyKind::Empty => Poll::Ready(None),
            BodyKind::Full(_) => {
                let BodyKind::Full(bytes) = std::mem::replace(&mut this.kind, BodyKind::Empty)
                else {
                    unreachable!("matched Full above")
                };
                Poll::Ready(Some(Ok(Frame::data(bytes))))
            }
            BodyKind::Stream(s) => Pin::new(s).poll_frame(cx),
            BodyKind::Raised(_) => Poll::Ready(Some(Ok(Frame::data(this.unanswered())))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            BodyKind::Empty => true,
            BodyKind::Full(b) => b.is_empty(),
            BodyKind::Stream(s) => s.is_end_stream(),
            BodyKind::Raised(_) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            BodyKind::Empty => SizeHint::with_exact(0),
            BodyKind::Full(b) => SizeHint::with_exact(b.len() as u64),
            BodyKind::Stream(s) => s.size_hint(),
            BodyKind::Raised(_) => SizeHint::with_exact(INTERNAL.len() as u64),
        }
    }
}

pin_project_lite::pin_project! {
    /// A body that is `Send` but maybe not `Sync`, made `Sync` by reaching it only through
    /// `&mut` ([`sync_wrapper::SyncWrapper`]); what `&self` asks (its size, its end) is
    /// noted after each frame.
    struct Unsynced<B> {
        #[pin]
        inner: sync_wrapper::SyncWrapper<B>,
        hint: SizeHint,
        end: bool,
    }
}

impl<B: http_body::Body> http_body::Body for Unsynced<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let this = self.project();
        let mut inner = this.inner.get_pin_mut();
        let frame = inner.as_mut().poll_frame(cx);
        if frame.is_ready() {
            *this.hint = inner.size_hint();
            *this.end = inner.is_end_stream();
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.end
    }

    fn size_hint(&self) -> SizeHint {
        self.hint
    }
}
