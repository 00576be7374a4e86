use cookie_route::prelude::*;

// A type the OpenAPI document cannot describe is a compile error naming it, on the
// parameter or the model that uses it...
#[derive(Deserialize)]
struct Note {
    text: String,
}

#[derive(Serialize, ResponseModel)]
struct NoteOut {
    text: String,
}

/// A value read from a query parameter with `FromStr`.
struct Colour(String);

impl std::str::FromStr for Colour {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Colour(s.to_owned()))
    }
}

#[cookie_route(POST "/notes", response_model = NoteOut)]
async fn create(#[body] note: Json<Note>, #[query] colour: Colour) -> Json<NoteOut> {
    Json(NoteOut { text: format!("{} in {}", note.0.text, colour.0) })
}

// ...unless the route is left out of the document.
#[cookie_route(POST "/notes/hidden", response_model = NoteOut, openapi = false)]
async fn hidden(#[body] note: Json<Note>, #[query] colour: Colour) -> Json<NoteOut> {
    Json(NoteOut { text: format!("{} in {}", note.0.text, colour.0) })
}

fn main() {}
