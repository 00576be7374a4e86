//! The HTML pages, written with `format!`: every piece of user text goes through
//! [`escape`], and every form carries the CSRF token.

use std::fmt::Write;

use cookie_route::csrf::CsrfToken;
use cookie_route::session::FlashMessage;

use crate::db::User;
use crate::notes::Note;

/// `text` with `&`, `<`, `>`, `"` and `'` written as entities: safe in an element's text
/// and in a quoted attribute.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// What every page shows around its content.
pub(crate) struct Frame<'a> {
    pub(crate) csrf: &'a CsrfToken,
    pub(crate) flashes: &'a [FlashMessage],
    pub(crate) user: Option<&'a User>,
}

impl Frame<'_> {
    fn page(&self, title: &str, content: &str) -> String {
        let mut flashes = String::new();
        for flash in self.flashes {
            let _ = write!(
                flashes,
                r#"<p class="flash {}" role="status">{}</p>"#,
                escape(&flash.category),
                escape(&flash.message)
            );
        }
        let nav = match self.user {
            Some(user) => format!(
                r#"<span>Signed in as <strong>{}</strong></span>
      <form method="post" action="/logout">{}<button>Log out</button></form>"#,
                escape(&user.username),
                self.csrf.hidden_input()
            ),
            None => r#"<a href="/login">Log in</a> <a href="/signup">Sign up</a>"#.to_owned(),
        };
        format!(
            r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} · Notes</title>
  <style>
    body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }}
    header {{ display: flex; gap: 1rem; align-items: center; justify-content: space-between; }}
    header form, .note form {{ display: inline; }}
    label {{ display: block; margin: .5rem 0; }}
    input, textarea {{ width: 100%; box-sizing: border-box; }}
    .flash {{ padding: .5rem; background: #eef; }}
    .flash.error {{ background: #fee; }}
    .note {{ border-top: 1px solid #ccc; padding: .5rem 0; }}
    .note pre {{ white-space: pre-wrap; font-family: inherit; }}
    .note .meta {{ color: #555; display: flex; gap: 1rem; align-items: center; }}
  </style>
</head>
<body>
  <header>
    <a href="/notes"><strong>Notes</strong></a>
    <nav>{nav}</nav>
  </header>
  <main>
    <h1>{title}</h1>
    {flashes}
    {content}
  </main>
  <footer><p><a href="/docs">The JSON API</a></p></footer>
</body>
</html>
"#
        )
    }
}

/// The sign-up form, with `error` and the name typed when it is shown again.
pub(crate) fn signup(frame: &Frame<'_>, error: Option<&str>, username: &str) -> String {
    let content = credentials_form(frame, "/signup", "Sign up", error, username, "new-password")
        + r#"<p>Have an account? <a href="/login">Log in</a>.</p>"#;
    frame.page("Sign up", &content)
}

/// The log-in form, with `error` and the name typed when it is shown again.
pub(crate) fn login(frame: &Frame<'_>, error: Option<&str>, username: &str) -> String {
    let content = credentials_form(frame, "/login", "Log in", error, username, "current-password")
        + r#"<p>New here? <a href="/signup">Sign up</a>.</p>"#;
    frame.page("Log in", &content)
}

fn credentials_form(
    frame: &Frame<'_>,
    action: &str,
    button: &str,
    error: Option<&str>,
    username: &str,
    password_autocomplete: &str,
) -> String {
    let error = error
        .map(|e| format!(r#"<p class="flash error" role="alert">{}</p>"#, escape(e)))
        .unwrap_or_default();
    format!(
        r#"{error}
    <form method="post" action="{action}">
      {token}
      <label>Username <input name="username" value="{username}" required maxlength="40" autocomplete="username"></label>
      <label>Password <input name="password" type="password" required minlength="8" autocomplete="{password_autocomplete}"></label>
      <button>{button}</button>
    </form>"#,
        token = frame.csrf.hidden_input(),
        username = escape(username),
    )
}

/// The user's notes, newest first, and the form for a new one.
pub(crate) fn notes(frame: &Frame<'_>, notes: &[Note]) -> String {
    let token = frame.csrf.hidden_input();
    let mut content = format!(
        r#"<form method="post" action="/notes">
      {token}
      <label>Title <input name="title" required maxlength="200"></label>
      <label>Note <textarea name="body" rows="4"></textarea></label>
      <button>Save</button>
    </form>
    <section>"#
    );
    if notes.is_empty() {
        content.push_str("<p>No notes yet.</p>");
    }
    for note in notes {
        let _ = write!(
            content,
            r#"
      <article class="note" id="note-{id}">
        <h2>{title}</h2>
        <pre>{body}</pre>
        <div class="meta"><time>{created_at}</time>
          <form method="post" action="/notes/{id}/delete">{token}<button>Delete</button></form></div>
      </article>"#,
            id = note.id,
            title = escape(&note.title),
            body = escape(&note.body),
            created_at = escape(&note.created_at),
        );
    }
    content.push_str("\n    </section>");
    frame.page("Your notes", &content)
}

/// The page of a note that is not there (or not the user's).
pub(crate) fn note_not_found(frame: &Frame<'_>) -> String {
    frame.page(
        "Note not found",
        r#"<p>There is no such note. <a href="/notes">Back to your notes</a>.</p>"#,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#x27;y&#x27;)&lt;/script&gt;"
        );
        assert_eq!(escape("plain text"), "plain text");
    }
}
