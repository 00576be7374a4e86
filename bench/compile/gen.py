#!/usr/bin/env python3
"""Writes the compile-time benchmark's apps: N identical routes in six styles, and two references.

Route i is `GET /r{i}/{id}`: an `i64` path parameter, an optional `session` cookie, a record
of its own (`Rec{i}`, six fields) that leaves the service as a two-field model (`Out`:
cookie-route's `response_model`; the peers convert it by hand), and a `Set-Cookie:
last_seen=ID` with Max-Age=3600, HttpOnly and SameSite=Lax. All routes in one file
(src/main.rs; the routes.toml style declares them in routes.toml), as a user of each
framework writes them. `ours-build` is the routes.toml app expanded by a build script
(`cookie_route_build::compile`) and included with `cookie_route::include_routes!()`.
`axum-serde` is the reference: axum's app whose records derive `Serialize`, as ours' must.
`ours-floor` is the other one: ours' attribute app with no route declared (the records, their
derives, the handler functions and `main` as they are, nothing generated for a route).

    bench/compile/gen.py --n 100 --out DIR [--frameworks ours-attr,ours-toml,ours-build,axum,axum-serde,ours-floor,actix,rocket]
                         [--cookie-route PATH]

Each app is its own Cargo workspace at DIR/<framework>-n<N>/, crate `ct_<framework>_n<N>`
(dashes as underscores), serving on 127.0.0.1:$PORT (default 8000). Ours depends on the
cookie-route checkout at --cookie-route (default: the repository this script is in), by
path, and starts from that checkout's Cargo.lock; axum and actix-web start from bench/'s.

Standard library only.
"""

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BENCH = HERE.parent

FRAMEWORKS = ["ours-attr", "ours-toml", "ours-build", "axum", "axum-serde", "ours-floor", "actix", "rocket"]
# `axum-serde` is not a framework but a reference: axum's app with `#[derive(Serialize)]` on
# every record, the derives that ours' `response_model` needs (a record leaves through its
# `Serialize`) and the peers' hand-written conversion does not. What those 100 derives cost
# any framework is the floor under ours' figures. `ours-floor` is that floor measured: ours'
# attribute app with the `#[cookie_route]` lines taken out, so that it declares no route and
# serves nothing, but compiles everything of the user's (records, derives, handlers) against
# cookie-route's dependencies. What ours' styles take beyond it is what their routes cost.

# The edits the measuring script makes, as (before, after) text pairs found once in the
# file: the handler body of route N // 2 (a string grows), its path at the same length,
# and the path of route N // 2 + 1 with another length. A toggle flips between the two.
def edited_route(n):
    return n // 2


def toggles(framework, n):
    k = edited_route(n)
    body = (f'format!("user{{id}}@example.com{k}")', f'format!("user{{id}}@mail.example.com{k}")')
    path_file = "routes.toml" if framework in ("ours-toml", "ours-build") else "src/main.rs"
    j = k + 1  # the path-len edit's route, so that both path edits can stand together
    if framework == "rocket":
        same = (f'"/r{k}/<id>"', f'"/s{k}/<id>"')
        longer = (f'"/r{j}/<id>"', f'"/rr{j}/<id>"')
    else:
        same = (f'"/r{k}/{{id}}"', f'"/s{k}/{{id}}"')
        longer = (f'"/r{j}/{{id}}"', f'"/rr{j}/{{id}}"')
    if framework == "ours-floor":
        return {"handler": ("src/main.rs", body)}  # no route, so no path to edit
    return {
        "handler": ("src/main.rs", body),
        "path": (path_file, same),
        "path-len": (path_file, longer),
    }


def toggle(app_dir, framework, n, which):
    """Flips one edit in the app's source; returns a description of the new state."""
    rel, (a, b) = toggles(framework, n)[which]
    p = Path(app_dir) / rel
    text = p.read_text()
    if text.count(a) == 1 and b not in text:
        p.write_text(text.replace(a, b))
        return "edited"
    if text.count(b) == 1 and a not in text:
        p.write_text(text.replace(b, a))
        return "original"
    raise RuntimeError(f"{p}: cannot toggle {which}: neither {a!r} nor {b!r} found once")


def reset(app_dir, framework, n):
    """Puts every toggled edit back to the generated text."""
    for which, (rel, (a, b)) in toggles(framework, n).items():
        p = Path(app_dir) / rel
        text = p.read_text()
        if b in text and a not in text:
            p.write_text(text.replace(b, a))


def crate_name(framework, n):
    return "ct_" + framework.replace("-", "_") + f"_n{n}"


def record(i):
    """The record struct of route i: six fields, two of which leave the service."""
    return (
        f"pub struct Rec{i} {{\n"
        f"    id: i64,\n"
        f"    name: String,\n"
        f"    email: String,\n"
        f"    password_hash: String,\n"
        f"    visits: u32,\n"
        f"    admin: bool,\n"
        f"}}\n"
    )


def record_value(i):
    return (
        f"Rec{i} {{\n"
        f"        id,\n"
        f'        name: session.unwrap_or_else(|| format!("user{{id}}")),\n'
        f'        email: format!("user{{id}}@example.com{i}"),\n'
        f'        password_hash: "x".repeat({i % 7 + 1}),\n'
        f"        visits: {i},\n"
        f"        admin: false,\n"
        f"    }}"
    )


PORT_FN = """fn addr() -> String {
    format!("127.0.0.1:{}", std::env::var("PORT").unwrap_or_else(|_| "8000".into()))
}
"""


def needs_json_schema(checkout):
    """Does this checkout want `JsonSchema` on response models (its OpenAPI document) in its
    default build? Since the `openapi` feature, it does not: the apps use default features."""
    runtime = Path(checkout) / "runtime"
    if "\nopenapi = " in (runtime / "Cargo.toml").read_text():
        return False
    return "JsonSchema" in (runtime / "src" / "lib.rs").read_text()


# ---------------------------------------------------------------- cookie-route, attributes


def ours_attr(n, checkout, routes=True):
    """The attribute app; without `routes`, the floor: no `#[cookie_route]`, no `#[cookie]`."""
    schema = needs_json_schema(checkout)
    out = [
        "//! Generated by bench/compile/gen.py: cookie-route, routes declared with #[cookie_route]."
        if routes
        else "//! Generated by bench/compile/gen.py: cookie-route's app with no route declared (the floor).",
        "#![allow(dead_code)]",
        "",
        "use cookie_route::prelude::*;",
        "use cookie_route::time::Duration;",
        "",
        f"#[derive(Serialize, ResponseModel{', JsonSchema' if schema else ''})]",
        "pub struct Out {",
        "    id: i64,",
        "    name: String,",
        "}",
        "",
    ]
    for i in range(n):
        out += [
            "#[derive(Serialize)]",
            record(i),
            "// Path=/, HttpOnly and SameSite=Lax are cookie-route's defaults.",
            *([f'#[cookie_route(GET "/r{i}/{{id}}", response_model = Out)]'] if routes else []),
            f"async fn r{i}(",
            "    id: i64,",
            f"    {'#[cookie] ' if routes else ''}session: Option<String>,",
            "    response: &mut Response,",
            f") -> Result<Json<Rec{i}>, Error> {{",
            '    response.set_cookie(Cookie::build(("last_seen", id.to_string())).max_age(Duration::hours(1)).build())?;',
            f"    Ok(Json({record_value(i)}))",
            "}",
            "",
        ]
    out += [
        PORT_FN,
        "#[tokio::main]",
        "async fn main() -> Result<(), cookie_route::StartError> {",
        "    App::declared().serve(addr()).await",
        "}",
    ]
    return {"src/main.rs": "\n".join(out) + "\n"}


# ---------------------------------------------------------------- cookie-route, routes.toml


def ours_toml(n, checkout):
    schema = needs_json_schema(checkout)
    toml = [
        "# Generated by bench/compile/gen.py: cookie-route, routes declared in this file.",
        "",
        "# Path=/, HttpOnly and SameSite=Lax are cookie-route's defaults; declared for clarity.",
        "[cookies.last_seen]",
        'max_age = "1h"',
        "http_only = true",
        'same_site = "Lax"',
        "",
    ]
    rs = [
        "//! Generated by bench/compile/gen.py: cookie-route, routes declared in routes.toml.",
        "#![allow(dead_code)]",
        "",
        "use cookie_route::prelude::*;",
        "",
        'cookie_route::routes!("routes.toml");',
        "",
        f"#[derive(Serialize, ResponseModel{', JsonSchema' if schema else ''})]",
        "pub struct Out {",
        "    id: i64,",
        "    name: String,",
        "}",
        "",
    ]
    for i in range(n):
        toml += [
            "[[route]]",
            'method = "GET"',
            f'path = "/r{i}/{{id}}"',
            f'handler = "r{i}"',
            'params = { id = "i64" }',
            'cookies = { session = "Option<String>" }',
            "response = true",
            'sets = ["last_seen"]',
            'response_model = "Out"',
            "",
        ]
        rs += [
            "#[derive(Serialize)]",
            record(i),
            f"pub async fn r{i}(",
            "    id: i64,",
            "    session: Option<String>,",
            "    response: &mut Response,",
            f") -> Result<Json<Rec{i}>, Error> {{",
            "    cookies::last_seen::set(response, id)?;",
            f"    Ok(Json({record_value(i)}))",
            "}",
            "",
        ]
    rs += [
        PORT_FN,
        "#[tokio::main]",
        "async fn main() -> Result<(), cookie_route::StartError> {",
        "    app().serve(addr()).await",
        "}",
    ]
    return {"src/main.rs": "\n".join(rs) + "\n", "routes.toml": "\n".join(toml)}


def ours_cargo(name, checkout):
    runtime = (Path(checkout) / "runtime").resolve()
    schema = 'schemars = "1"\n' if needs_json_schema(checkout) else ""
    return f"""[package]
name = "{name}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
cookie-route = {{ path = "{runtime}" }}
serde = {{ version = "1", features = ["derive"] }}
{schema}tokio = {{ version = "1.40", features = ["rt-multi-thread", "macros"] }}

[workspace]
"""


# ---------------------------------------------------------------- axum 0.8 + axum-extra


def axum_app(n, derive_records=False):
    out = [
        "//! Generated by bench/compile/gen.py: axum 0.8, cookies through axum-extra's CookieJar."
        + (" The records derive Serialize, as ours' need to." if derive_records else ""),
        "#![allow(dead_code)]",
        "",
        "use axum::extract::Path;",
        "use axum::routing::get;",
        "use axum::{Json, Router};",
        "use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};",
        "use serde::Serialize;",
        "",
        "#[derive(Serialize)]",
        "pub struct Out {",
        "    id: i64,",
        "    name: String,",
        "}",
        "",
    ]
    for i in range(n):
        out += [
            ("#[derive(Serialize)]\n" if derive_records else "") + record(i),
            f"async fn r{i}(Path(id): Path<i64>, jar: CookieJar) -> (CookieJar, Json<Out>) {{",
            '    let session = jar.get("session").map(|c| c.value().to_owned());',
            f"    let rec = {record_value(i)};",
            '    let cookie = Cookie::build(("last_seen", id.to_string()))',
            "        .max_age(time::Duration::hours(1))",
            '        .path("/")',
            "        .http_only(true)",
            "        .same_site(SameSite::Lax);",
            "    (jar.add(cookie), Json(Out { id: rec.id, name: rec.name }))",
            "}",
            "",
        ]
    out += [PORT_FN, "#[tokio::main]", "async fn main() -> std::io::Result<()> {", "    let app = Router::new()"]
    out += [f'        .route("/r{i}/{{id}}", get(r{i}))' for i in range(n)]
    out[-1] += ";"
    out += [
        "    let listener = tokio::net::TcpListener::bind(addr()).await?;",
        "    axum::serve(listener, app).await",
        "}",
    ]
    return {"src/main.rs": "\n".join(out) + "\n"}


def axum_cargo(name):
    return f"""[package]
name = "{name}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
axum = "0.8"
axum-extra = {{ version = "0.12", features = ["cookie"] }}
serde = {{ version = "1", features = ["derive"] }}
time = "0.3"
tokio = {{ version = "1.40", features = ["rt-multi-thread", "macros", "net"] }}

[workspace]
"""


# ---------------------------------------------------------------- actix-web 4


def actix_app(n):
    out = [
        "//! Generated by bench/compile/gen.py: actix-web 4, #[get] routes.",
        "#![allow(dead_code)]",
        "",
        "use actix_web::cookie::{Cookie, SameSite, time::Duration};",
        "use actix_web::{App, HttpRequest, HttpResponse, HttpServer, get, web};",
        "use serde::Serialize;",
        "",
        "#[derive(Serialize)]",
        "pub struct Out {",
        "    id: i64,",
        "    name: String,",
        "}",
        "",
    ]
    for i in range(n):
        out += [
            record(i),
            f'#[get("/r{i}/{{id}}")]',
            f"async fn r{i}(id: web::Path<i64>, req: HttpRequest) -> HttpResponse {{",
            "    let id = id.into_inner();",
            '    let session = req.cookie("session").map(|c| c.value().to_owned());',
            f"    let rec = {record_value(i)};",
            '    let cookie = Cookie::build("last_seen", id.to_string())',
            "        .max_age(Duration::hours(1))",
            '        .path("/")',
            "        .http_only(true)",
            "        .same_site(SameSite::Lax)",
            "        .finish();",
            "    HttpResponse::Ok().cookie(cookie).json(Out { id: rec.id, name: rec.name })",
            "}",
            "",
        ]
    out += [
        PORT_FN,
        "#[actix_web::main]",
        "async fn main() -> std::io::Result<()> {",
        "    HttpServer::new(|| {",
        "        App::new()",
    ]
    out += [f"            .service(r{i})" for i in range(n)]
    out += ["    })", "    .bind(addr())?", "    .run()", "    .await", "}"]
    return {"src/main.rs": "\n".join(out) + "\n"}


def actix_cargo(name):
    return f"""[package]
name = "{name}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
actix-web = "4"
serde = {{ version = "1", features = ["derive"] }}

[workspace]
"""


# ---------------------------------------------------------------- Rocket 0.5


def rocket_app(n):
    out = [
        "//! Generated by bench/compile/gen.py: Rocket 0.5, #[get] routes and its CookieJar.",
        "#![allow(dead_code)]",
        "",
        "use rocket::http::{Cookie, CookieJar, SameSite};",
        "use rocket::serde::json::Json;",
        "use rocket::time::Duration;",
        "use rocket::{get, launch, routes};",
        "use serde::Serialize;",
        "",
        "#[derive(Serialize)]",
        "pub struct Out {",
        "    id: i64,",
        "    name: String,",
        "}",
        "",
    ]
    for i in range(n):
        out += [
            record(i),
            f'#[get("/r{i}/<id>")]',
            f"async fn r{i}(id: i64, jar: &CookieJar<'_>) -> Json<Out> {{",
            '    let session = jar.get("session").map(|c| c.value().to_owned());',
            f"    let rec = {record_value(i)};",
            "    jar.add(",
            '        Cookie::build(("last_seen", id.to_string()))',
            "            .max_age(Duration::hours(1))",
            '            .path("/")',
            "            .http_only(true)",
            "            .same_site(SameSite::Lax),",
            "    );",
            "    Json(Out { id: rec.id, name: rec.name })",
            "}",
            "",
        ]
    names = ", ".join(f"r{i}" for i in range(n))
    out += [
        "#[launch]",
        "fn rocket() -> _ {",
        '    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8000);',
        '    let figment = rocket::Config::figment().merge(("address", "127.0.0.1")).merge(("port", port));',
        f'    rocket::custom(figment).mount("/", routes![{names}])',
        "}",
    ]
    return {"src/main.rs": "\n".join(out) + "\n"}


def rocket_cargo(name):
    return f"""[package]
name = "{name}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
rocket = {{ version = "0.5", features = ["json"] }}
serde = {{ version = "1", features = ["derive"] }}

[workspace]
"""


# ---------------------------------------------------------------- writing


def files_for(framework, n, checkout):
    name = crate_name(framework, n)
    if framework == "ours-attr":
        files = ours_attr(n, checkout)
        files["Cargo.toml"] = ours_cargo(name, checkout)
        lock = Path(checkout) / "Cargo.lock"
    elif framework == "ours-floor":
        files = ours_attr(n, checkout, routes=False)
        files["Cargo.toml"] = ours_cargo(name, checkout)
        lock = Path(checkout) / "Cargo.lock"
    elif framework == "ours-toml":
        files = ours_toml(n, checkout)
        files["Cargo.toml"] = ours_cargo(name, checkout)
        lock = Path(checkout) / "Cargo.lock"
    elif framework == "ours-build":
        files = ours_toml(n, checkout)
        files["src/main.rs"] = files["src/main.rs"].replace(
            'cookie_route::routes!("routes.toml");', "cookie_route::include_routes!();"
        )
        files["build.rs"] = 'fn main() -> std::io::Result<()> {\n    cookie_route_build::compile("routes.toml")\n}\n'
        build = (Path(checkout) / "build").resolve()
        files["Cargo.toml"] = ours_cargo(name, checkout).replace(
            "\n[workspace]\n", f'\n[build-dependencies]\ncookie-route-build = {{ path = "{build}" }}\n\n[workspace]\n'
        )
        lock = Path(checkout) / "Cargo.lock"
    elif framework in ("axum", "axum-serde"):
        files = axum_app(n, derive_records=framework == "axum-serde")
        files["Cargo.toml"] = axum_cargo(name)
        lock = BENCH / "Cargo.lock"
    elif framework == "actix":
        files = actix_app(n)
        files["Cargo.toml"] = actix_cargo(name)
        lock = BENCH / "Cargo.lock"
    elif framework == "rocket":
        files = rocket_app(n)
        files["Cargo.toml"] = rocket_cargo(name)
        lock = None
    else:
        raise ValueError(f"unknown framework {framework!r}; one of {', '.join(FRAMEWORKS)}")
    return files, lock


def write_app(framework, n, out_dir, checkout=REPO):
    """Writes (or rewrites, keeping its Cargo.lock) one app; returns its directory."""
    app = Path(out_dir) / f"{framework}-n{n}"
    (app / "src").mkdir(parents=True, exist_ok=True)
    files, lock = files_for(framework, n, checkout)
    for rel, text in files.items():
        p = app / rel
        if not p.exists() or p.read_text() != text:
            p.write_text(text)
    if lock is not None and lock.exists() and not (app / "Cargo.lock").exists():
        shutil.copyfile(lock, app / "Cargo.lock")
    return app


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[100], help="routes per app (several allowed)")
    ap.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    ap.add_argument("--out", default=str(HERE / "target" / "apps"))
    ap.add_argument("--cookie-route", default=str(REPO), help="the cookie-route checkout ours builds against")
    args = ap.parse_args()
    for n in args.n:
        for fw in args.frameworks.split(","):
            print(write_app(fw, n, args.out, args.cookie_route))


if __name__ == "__main__":
    sys.exit(main())
