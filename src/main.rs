//! Run with: `cargo run` (then open http://127.0.0.1:8000/, or
//! `curl -i http://127.0.0.1:8000/setcookie`). `cargo run -- --openapi` prints the app's
//! OpenAPI document instead of serving it.

use std::process::ExitCode;

const USAGE: &str = "usage: cookie-route-example [--openapi]\n\n  (no argument)  serve the app on HOST:PORT (default 127.0.0.1:8000)\n  --openapi      print the app's OpenAPI document (JSON) and exit";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let openapi = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => false,
        ["--openapi"] => true,
        ["--help" | "-h"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Logs go to stderr, so that `--openapi` prints the document alone.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(
            |_| {
                // The random-key warning says nothing about a printed document.
                if openapi { "error" } else { "info" }.into()
            },
        ))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(openapi)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(openapi: bool) -> Result<(), cookie_route::StartError> {
    let config = cookie_route_example::Config::from_env()?;
    let app = cookie_route_example::build(&config).await?;
    if openapi {
        let document = serde_json::to_string_pretty(&app.openapi())
            .map_err(|e| cookie_route::StartError::Config(format!("the document: {e}")))?;
        println!("{document}");
        return Ok(());
    }
    app.serve(format!("{}:{}", config.host, config.port)).await
}
