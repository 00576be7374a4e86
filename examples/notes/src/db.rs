//! The notes and users in SQLite, through sqlx: a pool opened once at start (the file
//! created if missing, the migrations of `migrations/` applied) and one method per query.
//! Queries are `query_as` into `FromRow` types, so no database is needed to compile them;
//! every note query names its owner, so that a user reaches only their own notes.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use crate::error::AppError;
use crate::notes::{Note, NoteIn};

/// A query's result: its failure is `AppError::Database`, a logged 500.
type Result<T> = std::result::Result<T, AppError>;

/// A user, as the service knows them once logged in.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct User {
    pub(crate) id: i64,
    pub(crate) username: String,
}

/// A user with their password hash: only for checking a password.
#[derive(sqlx::FromRow)]
pub(crate) struct Account {
    pub(crate) id: i64,
    pub(crate) username: String,
    pub(crate) password_hash: String,
}

/// The database: app state (`App::state`), taken by handlers as `State<Db>`.
#[derive(Debug, Clone)]
pub(crate) struct Db {
    pool: SqlitePool,
}

/// What creating a user did.
#[derive(Debug)]
pub(crate) enum NewUser {
    Created(User),
    NameTaken,
}

impl Db {
    /// Opens the database at `url` (`sqlite://notes.db`), creating the file if missing, and
    /// brings its schema up to date.
    ///
    /// WAL journal and a busy timeout let several instances of the service share one file.
    pub(crate) async fn open(url: &str) -> std::result::Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        sqlx::migrate!().run(&pool).await?;
        Ok(Self { pool })
    }

    /// Creates a user, unless the name is taken.
    pub(crate) async fn create_user(&self, username: &str, password_hash: &str) -> Result<NewUser> {
        let inserted = sqlx::query_as::<_, User>(
            "INSERT INTO users (username, password_hash) VALUES (?, ?) RETURNING id, username",
        )
        .bind(username)
        .bind(password_hash)
        .fetch_one(&self.pool)
        .await;
        match inserted {
            Ok(user) => Ok(NewUser::Created(user)),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(NewUser::NameTaken),
            Err(e) => Err(e.into()),
        }
    }

    /// The account named `username`, with its hash.
    pub(crate) async fn account(&self, username: &str) -> Result<Option<Account>> {
        let account =
            sqlx::query_as("SELECT id, username, password_hash FROM users WHERE username = ?")
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
        Ok(account)
    }

    /// The user with this id.
    pub(crate) async fn user(&self, id: i64) -> Result<Option<User>> {
        let user = sqlx::query_as("SELECT id, username FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(user)
    }

    /// The user's notes, newest first.
    pub(crate) async fn notes(&self, owner: &User) -> Result<Vec<Note>> {
        let notes = sqlx::query_as(
            "SELECT id, title, body, created_at FROM notes WHERE owner_id = ? ORDER BY id DESC",
        )
        .bind(owner.id)
        .fetch_all(&self.pool)
        .await?;
        Ok(notes)
    }

    /// The user's note `id`; `None` for no note, or another user's.
    pub(crate) async fn note(&self, owner: &User, id: i64) -> Result<Option<Note>> {
        let note = sqlx::query_as(
            "SELECT id, title, body, created_at FROM notes WHERE id = ? AND owner_id = ?",
        )
        .bind(id)
        .bind(owner.id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(note)
    }

    /// Adds a note for the user.
    pub(crate) async fn create_note(&self, owner: &User, note: &NoteIn) -> Result<Note> {
        let note = sqlx::query_as(
            "INSERT INTO notes (owner_id, title, body) VALUES (?, ?, ?) \
             RETURNING id, title, body, created_at",
        )
        .bind(owner.id)
        .bind(&note.title)
        .bind(&note.body)
        .fetch_one(&self.pool)
        .await?;
        Ok(note)
    }

    /// Replaces the title and body of the user's note `id`; `None` when they have no such
    /// note.
    pub(crate) async fn update_note(
        &self,
        owner: &User,
        id: i64,
        note: &NoteIn,
    ) -> Result<Option<Note>> {
        let note = sqlx::query_as(
            "UPDATE notes SET title = ?, body = ? WHERE id = ? AND owner_id = ? \
             RETURNING id, title, body, created_at",
        )
        .bind(&note.title)
        .bind(&note.body)
        .bind(id)
        .bind(owner.id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(note)
    }

    /// Deletes the user's note `id`; `false` when they have no such note.
    pub(crate) async fn delete_note(&self, owner: &User, id: i64) -> Result<bool> {
        let done = sqlx::query("DELETE FROM notes WHERE id = ? AND owner_id = ?")
            .bind(id)
            .bind(owner.id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
