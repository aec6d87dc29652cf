//! `login`, `logout`, `me`: how agents and managers get and drop their credentials.

use axum::extract::{FromRequest, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Authenticated;
use super::extract::{ClientIp, JsonBody};
use super::AppState;
use crate::accounts::secrets::Password;
use crate::accounts::LoginSession;
use crate::error::{ApiError, ApiResult};
use crate::model::User;

/// `login` is limited per client IP and per account by `Accounts` itself, the same limit
/// DDP's `login` goes through.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout).get(logout))
        .route("/me", get(me))
}

#[derive(Debug, Default, Deserialize)]
struct LoginBody {
    user: Option<String>,
    username: Option<String>,
    email: Option<String>,
    password: Option<PasswordField>,
    resume: Option<String>,
}

/// A password in clear, or as Rocket.Chat's clients may send it: `{digest, algorithm}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PasswordField {
    Plain(String),
    Digest { digest: String, algorithm: String },
}

/// Login bodies come as JSON or, from `curl -d user=…&password=…`, as a form.
struct LoginForm(LoginBody);

impl FromRequest<AppState> for LoginForm {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            let JsonBody(body) = JsonBody::<LoginBody>::from_request(req, state).await?;
            return Ok(LoginForm(body));
        }
        let bytes = axum::body::to_bytes(req.into_body(), state.max_body_bytes)
            .await
            .map_err(|_| ApiError::PayloadTooLarge {
                limit: state.max_body_bytes,
            })?;
        #[derive(Deserialize)]
        struct Form {
            user: Option<String>,
            username: Option<String>,
            email: Option<String>,
            password: Option<String>,
            resume: Option<String>,
        }
        let form: Form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| ApiError::invalid(format!("Invalid form body: {e}")))?;
        Ok(LoginForm(LoginBody {
            user: form.user,
            username: form.username,
            email: form.email,
            password: form.password.map(PasswordField::Plain),
            resume: form.resume,
        }))
    }
}

async fn login(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    LoginForm(body): LoginForm,
) -> ApiResult<Json<Value>> {
    let session = if let Some(token) = body.resume.as_deref() {
        state.accounts.resume(token, client).await?
    } else {
        let login = body
            .user
            .or(body.username)
            .or(body.email)
            .filter(|l| !l.trim().is_empty());
        let (Some(login), Some(password)) = (login, body.password) else {
            return Err(ApiError::LoginFailed);
        };
        let password = match password {
            PasswordField::Plain(text) => Password::Plain(text),
            PasswordField::Digest { digest, algorithm } if algorithm == "sha-256" => {
                Password::Sha256Digest(digest)
            }
            PasswordField::Digest { .. } => {
                return Err(ApiError::invalid(
                    "Only sha-256 password digests are supported",
                ))
            }
        };
        state
            .accounts
            .login_with_password(&login, password, client)
            .await?
    };
    tracing::info!(user = %session.user.username, "logged in");
    Ok(login_answer(&session, &state))
}

/// What a login answers (also the first-run set-up's, so clients keep the token the same way).
pub fn login_answer(session: &LoginSession, state: &AppState) -> Json<Value> {
    Json(json!({
        "status": "success",
        "data": {
            "userId": session.user.id,
            "authToken": session.token,
            "tokenExpires": session.expires,
            "me": user_info(&session.user, state),
        },
        "success": true,
    }))
}

async fn logout(State(state): State<AppState>, auth: Authenticated) -> ApiResult<Json<Value>> {
    state.accounts.logout(&auth.token).await?;
    Ok(Json(json!({
        "status": "success",
        "data": { "message": "You've been logged out!" },
        "success": true,
    })))
}

async fn me(State(state): State<AppState>, auth: Authenticated) -> Json<Value> {
    let mut info = user_info(&auth.user, &state);
    info["success"] = json!(true);
    Json(info)
}

/// Rocket.Chat's `getUserInfo`: the user plus `email`, `avatarUrl` and default preferences.
pub fn user_info(user: &User, state: &AppState) -> Value {
    let mut info = json!(user);
    info["email"] = json!(user.email());
    info["avatarUrl"] = json!(format!(
        "{}/avatar/{}",
        state.livechat.site_url(),
        user.username
    ));
    info["settings"] = json!({ "profile": {}, "preferences": {} });
    info["services"] = json!({ "password": { "exists": true } });
    info["isOAuthUser"] = json!(false);
    info
}
