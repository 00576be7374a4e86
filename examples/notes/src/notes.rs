//! A note, as stored and as the API shows it, and what a new or edited note must be.

use cookie_route::prelude::*;

use crate::error::AppError;

/// The longest title, in characters.
pub(crate) const MAX_TITLE_CHARS: usize = 200;
/// The longest body, in characters.
pub(crate) const MAX_BODY_CHARS: usize = 20_000;

/// A note of the signed-in user. Its owner is not part of it: every query is by owner.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, ResponseModel, sqlx::FromRow)]
pub(crate) struct Note {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) body: String,
    /// When it was written, UTC, as `2026-12-06T09:30:00Z`.
    pub(crate) created_at: String,
}

/// A note's title and body, as a client sends them (`POST /api/notes`, `PUT`, the form).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub(crate) struct NoteIn {
    /// Required: 1 to 200 characters.
    pub(crate) title: String,
    /// Up to 20,000 characters; may be empty.
    #[serde(default)]
    pub(crate) body: String,
}

impl NoteIn {
    /// The note with its title trimmed, or what does not fit.
    pub(crate) fn validate(self) -> Result<Self, AppError> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err(AppError::Invalid {
                field: "title",
                kind: "string_too_short",
                message: "A note needs a title.",
            });
        }
        if title.chars().count() > MAX_TITLE_CHARS {
            return Err(AppError::Invalid {
                field: "title",
                kind: "string_too_long",
                message: "A title has at most 200 characters.",
            });
        }
        if self.body.chars().count() > MAX_BODY_CHARS {
            return Err(AppError::Invalid {
                field: "body",
                kind: "string_too_long",
                message: "A note has at most 20,000 characters.",
            });
        }
        Ok(Self { title: title.to_owned(), body: self.body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(title: &str, body: &str) -> Result<NoteIn, AppError> {
        NoteIn { title: title.to_owned(), body: body.to_owned() }.validate()
    }

    #[test]
    fn titles_are_trimmed_and_required() {
        assert_eq!(note("  Groceries ", "milk").unwrap().title, "Groceries");
        assert!(matches!(note("   ", "x"), Err(AppError::Invalid { field: "title", .. })));
        assert!(matches!(
            note(&"t".repeat(201), ""),
            Err(AppError::Invalid { field: "title", .. })
        ));
        assert!(matches!(
            note("t", &"b".repeat(20_001)),
            Err(AppError::Invalid { field: "body", .. })
        ));
        assert!(note("t", "").is_ok());
    }
}
