"""The FastAPI app that src/fastapi.rs ports, route for route.

It exists to record what FastAPI itself documents for these routes
(tests/fixtures/fastapi_openapi.json, written by scripts/record-fastapi-openapi), so that
cookie-route's generated OpenAPI document can be compared with it field by field. It is a
reference, not part of the Rust build.

Kept faithful to the Rust port, which is kept faithful to FastAPI's docs:

* Function names are the Rust handlers' names (FastAPI derives operationId and summary from
  them), not the docs' (`create_cookie`, `get_headers`, `read_item_public_data`, ...).
* Model classes are named after the Rust structs (FastAPI names components/schemas after
  them): `ItemWithoutTags` is the docs' second `Item` (response_model/tutorial005).
* Field and parameter types follow the Rust types: `String` -> `str`, `i64` -> `int`,
  `f64` -> `float`, `Vec<String>` -> `list[str]`, `Option<T>` -> `T | None = None`,
  `#[serde(default = ...)]` -> that default.
* A Rust handler that returns `Json<T>` without a `response_model` declares no response
  model: `T` is only serialized, never validated or filtered. So the Python handlers that
  stand for them have no return annotation (FastAPI would take one as a response model),
  as in FastAPI's docs, and their 200 response schema is `{}`.

What cannot be matched exactly (none of it changes the OpenAPI document unless said):

* `UserIn.email` / `UserOut.email`: FastAPI's docs (response_model/tutorial003) use
  pydantic's `EmailStr`; the Rust port has `email: String`, so this is `str`. With
  `EmailStr` the schema would add `"format": "email"` (and need email-validator).
* `profile`'s `user_id` is an `i64` in Rust: FastAPI's `int` is unbounded, and its schema
  is a bare `"type": "integer"` (no `format`, no bounds).
* Cookies: cookie-route gives every cookie that leaves them unset `Path=/`, `HttpOnly` and
  `SameSite=Lax`; Starlette gives `Path=/` and `SameSite=lax`, not `HttpOnly`. The calls
  below are written as FastAPI's docs write them, so on the wire the Python app's cookies
  lack `HttpOnly` where the Rust port's have it.
* The `Tracking` dependency reads the `tracking_id` cookie from the request itself (as the
  Rust `FromRequest` impl does), not through a `Cookie()` parameter, so the cookie is not a
  documented parameter of `/dep-cookie/` in either app.
* Unknown items (`/items/{item_id}...`): FastAPI's docs index a dict (`items[item_id]`), a
  KeyError and so a 500; the Rust port answers 404, so this raises `HTTPException(404)`.
  Neither is declared as a response, so the document does not show it.
* `/accepted/` and `/get-or-create-task/{task_id}` set their status (202, 201) at run time
  on the temporal response; no status is declared, so both document a 200 response. The
  docs' change-status-code example declares `status_code=200`, which documents the same
  200 as no declaration.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Cookie, Depends, FastAPI, HTTPException, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

app = FastAPI()

DARK_SIDE = "Come to the dark side, we have cookies"


# Rust: `#[cookie_route(POST "/cookie-and-object/")]`.
# FastAPI docs: response_cookies/tutorial002, `def create_cookie(response: Response)`.
@app.post("/cookie-and-object/")
def cookie_and_object(response: Response):
    response.set_cookie(key="fakesession", value="fake-cookie-session-value")
    return {"message": DARK_SIDE}


# Rust: `#[cookie_route(POST "/cookie/")]`, a full response with the cookie on it.
# FastAPI docs: response_cookies/tutorial001, a `JSONResponse` returned directly.
@app.post("/cookie/")
def cookie_response():
    content = {"message": DARK_SIDE}
    response = JSONResponse(content=content)
    response.set_cookie(key="fakesession", value="fake-cookie-session-value")
    return response


# Rust: `#[cookie_route(GET "/cookie/")]`, `#[cookie] fakesession: Option<String>`.
@app.get("/cookie/")
async def read_fakesession(fakesession: Annotated[str | None, Cookie()] = None):
    return {"fakesession": fakesession}


# Rust: `#[cookie_route(DELETE "/cookie/")]`.
@app.delete("/cookie/")
async def delete_fakesession(response: Response):
    response.delete_cookie("fakesession")
    return {"message": "Cookie deleted"}


# Rust: `#[cookie_route(GET "/items-cookie/")]`.
# FastAPI docs: cookie_params/tutorial001_an_py310,
# `def read_items(ads_id: Annotated[str | None, Cookie()] = None)` (served at /items/ there).
@app.get("/items-cookie/")
async def items_cookie(ads_id: Annotated[str | None, Cookie()] = None):
    return {"ads_id": ads_id}


# Rust: `#[cookie_route(GET "/headers-and-object/")]`.
# FastAPI docs: response_headers/tutorial002.
@app.get("/headers-and-object/")
def headers_and_object(response: Response):
    response.headers["X-Cat-Dog"] = "alone in the world"
    return {"message": "Hello World"}


# FastAPI docs: response_model/tutorial003 (with `str` for `EmailStr`, see above).
class UserIn(BaseModel):
    username: str
    password: str
    email: str
    full_name: str | None = None


class UserOut(BaseModel):
    username: str
    email: str
    full_name: str | None = None


# Rust: `#[cookie_route(POST "/user/", response_model = UserOut)]`,
# `#[body] user: Json<UserIn>`: the password never leaves.
@app.post("/user/", response_model=UserOut)
async def create_user(user: UserIn):
    return user


# Rust: a stored profile, with what must not leave. Only serialized (not a model), so it is
# a dataclass here and no schema of it is documented.
@dataclass
class ProfileRecord:
    username: str
    email: str
    full_name: str | None
    password: str
    is_admin: bool
    internal_notes: str


# Rust: `#[cookie_route(GET "/profiles/{user_id}", response_model = UserOut)]`,
# `user_id: i64`.
@app.get("/profiles/{user_id}", response_model=UserOut)
async def profile(user_id: int, response: Response):
    response.set_cookie("last_user", str(user_id))
    return ProfileRecord(
        username=f"user{user_id}",
        email=f"user{user_id}@example.com",
        full_name=None,
        password="hunter2",
        is_admin=False,
        internal_notes="internal use only",
    )


# FastAPI docs: response_model/tutorial004.
class Item(BaseModel):
    name: str
    description: str | None = None
    price: float
    tax: float = 10.5
    tags: list[str] = []


# FastAPI docs: response_model/tutorial005's `Item`, without tags; named as the Rust struct.
class ItemWithoutTags(BaseModel):
    name: str
    description: str | None = None
    price: float
    tax: float = 10.5


items = {
    "foo": {"name": "Foo", "price": 50.2},
    "bar": {"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2},
    "baz": {"name": "Baz", "description": None, "price": 50.2, "tax": 10.5, "tags": []},
}

items_without_tags = {
    "foo": {"name": "Foo", "price": 50.2},
    "bar": {"name": "Bar", "description": "The Bar fighters", "price": 62, "tax": 20.2},
    "baz": {
        "name": "Baz",
        "description": "There goes my baz",
        "price": 50.2,
        "tax": 10.5,
    },
}


def find(table: dict, item_id: str) -> dict:
    # The Rust port answers 404 for an unknown id (the docs' `items[item_id]` would be a 500).
    if item_id not in table:
        raise HTTPException(status_code=404)
    return table[item_id]


# Rust: `#[cookie_route(GET "/items/{item_id}", response_model = Item,
# response_model_exclude_unset)]`.
@app.get("/items/{item_id}", response_model=Item, response_model_exclude_unset=True)
async def read_item(item_id: str):
    return find(items, item_id)


# Rust: `response_model = ItemWithoutTags, response_model_include = ["name", "description"]`.
@app.get(
    "/items/{item_id}/name",
    response_model=ItemWithoutTags,
    response_model_include={"name", "description"},
)
async def read_item_name(item_id: str):
    return find(items_without_tags, item_id)


# Rust: `response_model = ItemWithoutTags, response_model_exclude = ["tax"]`.
@app.get(
    "/items/{item_id}/public",
    response_model=ItemWithoutTags,
    response_model_exclude={"tax"},
)
async def read_item_public(item_id: str):
    return find(items_without_tags, item_id)


# Rust: a value that does not fit its model: a 500, and nothing of the value leaves.
@app.get("/invalid-item/", response_model=Item)
async def invalid_item():
    return {"name": "Portal Gun", "secret": "the cake is a lie"}


# Rust: `struct Tracking` with `impl FromRequest`: reads the `tracking_id` cookie and, for a
# new visitor, sets it on the temporal response. A class dependency, as `Depends()` takes it.
class Tracking:
    def __init__(self, request: Request, response: Response):
        tracking_id = request.cookies.get("tracking_id")
        if tracking_id is not None:
            self.id = tracking_id
            self.new_visitor = False
            return
        response.set_cookie(
            "tracking_id", "visitor-1", max_age=600, httponly=True, samesite="strict"
        )
        self.id = "visitor-1"
        self.new_visitor = True


# Rust: what `/dep-cookie/` answers; only serialized (not a model), so no schema of it.
@dataclass
class TrackingOut:
    tracking_id: str
    new_visitor: bool


# Rust: `#[cookie_route(GET "/dep-cookie/")]`, `tracking: Tracking, response: &mut Response`.
@app.get("/dep-cookie/")
async def dep_cookie(tracking: Annotated[Tracking, Depends()], response: Response):
    response.set_cookie("handler_cookie", "from-handler")
    return TrackingOut(tracking_id=tracking.id, new_visitor=tracking.new_visitor)


# The Rust port's task list.
tasks = {"foo": "Listen to the Bardo Thodol"}


# Rust: `#[cookie_route(PUT "/get-or-create-task/{task_id}")]`.
# FastAPI docs: response_change_status_code/tutorial001, which declares `status_code=200`.
@app.put("/get-or-create-task/{task_id}", status_code=200)
def get_or_create_task(task_id: str, response: Response):
    if task_id not in tasks:
        tasks[task_id] = "This didn't exist before"
        response.status_code = status.HTTP_201_CREATED
    return tasks[task_id]


# Rust: `#[cookie_route(POST "/accepted/")]`: the temporal response sets the status, a header
# and a cookie.
@app.post("/accepted/")
async def accepted(response: Response):
    response.status_code = status.HTTP_202_ACCEPTED
    response.headers["X-Request-State"] = "queued"
    response.set_cookie(
        "job", "42", max_age=60, secure=True, httponly=True, samesite="none"
    )
    return {"status": "queued"}
