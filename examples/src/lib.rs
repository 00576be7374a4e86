//! Not an example: the table of `examples/README.md`, read, for `tests/readme.rs`, which
//! starts every example with the command its row gives and checks that every example
//! folder has a row.

/// One row of the examples' table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The example's name: its folder and its package.
    pub name: String,
    /// What it shows.
    pub shows: String,
    /// The command that starts it, as a user types it.
    pub command: String,
    /// Where it listens by default: `http://127.0.0.1:PORT`.
    pub address: String,
}

/// The rows of the table whose header is
/// `| example | what it shows | command | default address |`, in order.
///
/// # Errors
///
/// When there is no such table, or a row does not have its four cells, or its example or
/// command is not written as code (`` `hello` ``, `` `cargo run -p hello` ``).
pub fn examples(readme: &str) -> Result<Vec<Example>, String> {
    const HEADER: [&str; 4] = ["example", "what it shows", "command", "default address"];
    let mut lines = readme.lines().map(str::trim);
    lines
        .by_ref()
        .find(|line| cells(line).as_deref() == Some(&HEADER[..]))
        .ok_or("no `| example | what it shows | command | default address |` table")?;
    let separator = lines.next().unwrap_or_default();
    if !separator.starts_with("|---") {
        return Err(format!("the table's header is not followed by `|---|...`: `{separator}`"));
    }
    let mut examples = Vec::new();
    for line in lines.take_while(|line| line.starts_with('|')) {
        let Some([example, shows, command, address]) =
            cells(line).and_then(|cells| <[&str; 4]>::try_from(cells).ok())
        else {
            return Err(format!("a row without four cells: `{line}`"));
        };
        let name = code(example).ok_or_else(|| format!("the example is not `code`: `{line}`"))?;
        let command =
            code(command).ok_or_else(|| format!("the command is not `code`: `{line}`"))?;
        examples.push(Example {
            name: name.to_owned(),
            shows: shows.to_owned(),
            command: command.to_owned(),
            address: address.to_owned(),
        });
    }
    Ok(examples)
}

/// The trimmed cells of a table row `| a | b |`.
fn cells(line: &str) -> Option<Vec<&str>> {
    let inner = line.strip_prefix('|')?.strip_suffix('|')?;
    Some(inner.split('|').map(str::trim).collect())
}

/// The text of the first `` `code` `` span in `cell` (which may be a link's text).
fn code(cell: &str) -> Option<&str> {
    let start = cell.find('`')? + 1;
    let len = cell[start..].find('`')?;
    Some(&cell[start..start + len]).filter(|code| !code.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "# Examples\n\n\
        | example | what it shows | command | default address |\n\
        |---|---|---|---|\n\
        | [`hello`](hello/src/main.rs) | one route | `cargo run -p hello` | http://127.0.0.1:8002 |\n\
        | `two` | a b | `cargo run -p two` | http://127.0.0.1:8003 |\n\
        \nAfter the table.\n";

    #[test]
    fn reads_each_row() {
        let rows = examples(TABLE).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            Example {
                name: "hello".into(),
                shows: "one route".into(),
                command: "cargo run -p hello".into(),
                address: "http://127.0.0.1:8002".into(),
            }
        );
        assert_eq!(rows[1].name, "two");
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert!(examples("no table").is_err());
        let no_code = TABLE.replace("`cargo run -p two`", "cargo run -p two");
        assert!(examples(&no_code).unwrap_err().contains("the command is not `code`"));
        let three = TABLE.replace("| a b |", "");
        assert!(examples(&three).unwrap_err().contains("four cells"));
    }
}
