//! The `LanguageServer` implementation: LSP messages in, core results out.
//!
//! Text synchronisation handlers (`didOpen`, `didChange`, `didClose`) do all
//! their work synchronously, before any `.await`: tower-lsp-server runs
//! handlers concurrently (upstream tower-lsp issue #284) but starts them in
//! the order the messages arrived, so edits are applied in order. Requests
//! wait for the analysis of the version the document has when they start
//! ([`Documents::snapshot`]) and never hold a map guard across an `.await`.
//!
//! Settings ([`super::config`]) are read at `initialize` and when they
//! change (`workspace/didChangeConfiguration`, `didChangeWatchedFiles` or
//! `didSave` of `sayso.toml`), never on an edit. Bad settings are reported
//! with `window/showMessage` (and, for `sayso.toml`, a diagnostic on the
//! file); the last good settings stay in force.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::request::{GotoDeclarationParams, GotoDeclarationResponse};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};
use tracing::{debug, info, warn};

use super::code_actions::{self, EditStyle};
use super::config::{is_empty_settings, Config, FileLoad};
use super::diagnostics::{diagnostics, SOURCE};
use super::documents::{ChangeError, Documents, Event, Sink, Snapshot};
use super::position::{self, Encoding};
use super::{hover, navigation, outline};
use crate::analysis::Offset;
use crate::article::Format;
use crate::settings::SettingsError;

/// What the client can do, as far as the server cares.
#[derive(Debug, Clone, Copy, Default)]
struct ClientCaps {
    /// `workspace.workspaceEdit.documentChanges`.
    versioned_edits: bool,
    /// `workspace.didChangeWatchedFiles.dynamicRegistration`.
    watch_files: bool,
    /// `workspace.configuration` (the server may ask for settings).
    configuration: bool,
}

impl ClientCaps {
    fn of(c: &ClientCapabilities) -> ClientCaps {
        let w = c.workspace.as_ref();
        ClientCaps {
            versioned_edits: w
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            watch_files: w
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            configuration: w.and_then(|w| w.configuration).unwrap_or(false),
        }
    }
}

/// The Sayso language server.
#[derive(Debug)]
pub struct Backend {
    client: Client,
    docs: Arc<Documents>,
    encoding: Arc<OnceLock<Encoding>>,
    shutdown: Arc<AtomicBool>,
    /// Settings state; locked only in synchronous code, never across an
    /// `.await`.
    config: Mutex<Config>,
    caps: OnceLock<ClientCaps>,
    /// A problem found at `initialize`, reported at `initialized` (the
    /// server may not send notifications before answering `initialize`).
    startup_problems: Mutex<Vec<Problem>>,
    /// A diagnostic about `sayso.toml` is on show.
    settings_diagnostic: AtomicBool,
}

/// A settings problem to report.
#[derive(Debug, Clone)]
enum Problem {
    /// `sayso.toml` could not be used.
    File(SettingsError),
    /// The editor's settings could not be used at all.
    Editor(SettingsError),
    /// Some entries of the editor's settings were left out.
    EditorEntries(Vec<String>),
}

impl Backend {
    /// A server talking to `client`. `shutdown` is set when the client sends
    /// `shutdown` (the process exit code depends on it).
    pub fn new(client: Client, shutdown: Arc<AtomicBool>) -> Self {
        let encoding: Arc<OnceLock<Encoding>> = Arc::new(OnceLock::new());
        let enc = encoding.clone();
        let sink_client = client.clone();
        let sink: Sink = Arc::new(move |event| {
            let client = sink_client.clone();
            let enc = enc.get().copied().unwrap_or_default();
            Box::pin(async move {
                match event {
                    Event::Analysed(uri, snap) => {
                        let diags = diagnostics(&snap, enc);
                        debug!(
                            uri = uri.as_str(),
                            version = snap.version,
                            count = diags.len(),
                            "publishing diagnostics"
                        );
                        client
                            .publish_diagnostics(uri, diags, Some(snap.version))
                            .await;
                    }
                    Event::Closed(uri) => client.publish_diagnostics(uri, Vec::new(), None).await,
                }
            })
        });
        Backend {
            client,
            docs: Arc::new(Documents::new(sink)),
            encoding,
            shutdown,
            config: Mutex::new(Config::default()),
            caps: OnceLock::new(),
            startup_problems: Mutex::new(Vec::new()),
            settings_diagnostic: AtomicBool::new(false),
        }
    }

    fn caps(&self) -> ClientCaps {
        self.caps.get().copied().unwrap_or_default()
    }

    /// Run `f` on the settings state (a poisoned lock is recovered: the
    /// state is plain data).
    fn with_config<T>(&self, f: impl FnOnce(&mut Config) -> T) -> T {
        let mut guard = self.config.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Hand the settings in force to the documents, if they changed.
    fn push_settings(&self) {
        let effective = self.with_config(|c| c.effective());
        if *self.docs.settings() != effective {
            info!(?effective, "settings changed");
            self.docs.set_settings(Arc::new(effective));
        }
    }

    /// Take editor settings (JSON): apply what is usable, return what was
    /// not (to report); when nothing is usable keep the last good ones.
    fn take_editor_settings(&self, value: &Value) -> Option<Problem> {
        match self.with_config(|c| c.set_editor(value)) {
            Ok(e) => {
                if !e.foreign.is_empty() {
                    debug!(keys = ?e.foreign, "editor settings keys that are not Sayso's");
                }
                self.push_settings();
                if e.problems.is_empty() {
                    None
                } else {
                    warn!(problems = ?e.problems, "editor settings entries left out");
                    Some(Problem::EditorEntries(e.problems))
                }
            }
            Err(e) => {
                warn!("{e}; keeping the last good settings");
                Some(Problem::Editor(e))
            }
        }
    }

    /// Ask the client for the `sayso` settings section once (pull model).
    async fn pull_settings(&self) {
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("sayso".to_string()),
        };
        match self.client.configuration(vec![item]).await {
            Ok(values) => {
                let value = values.into_iter().next().unwrap_or(Value::Null);
                if let Some(p) = self.take_editor_settings(&value) {
                    self.report(p).await;
                }
            }
            Err(e) => debug!("workspace/configuration failed: {e}"),
        }
    }

    /// Read `sayso.toml` again and report the outcome.
    async fn reload_settings_file(&self) {
        let (load, path) = self.with_config(|c| (c.reload_file(), c.file_path()));
        match load {
            FileLoad::Bad(e) => {
                warn!("{e}; keeping the last good settings");
                self.report(Problem::File(e)).await;
            }
            FileLoad::Good | FileLoad::Missing => {
                info!(path = ?path, ?load, "settings file read");
                self.push_settings();
                if self.settings_diagnostic.swap(false, Ordering::SeqCst) {
                    if let Some(uri) = path.and_then(Uri::from_file_path) {
                        self.client.publish_diagnostics(uri, Vec::new(), None).await;
                    }
                }
            }
        }
    }

    /// Tell the writer about a settings problem: a message, and for
    /// `sayso.toml` an error diagnostic on the file.
    async fn report(&self, problem: Problem) {
        let message = match &problem {
            Problem::File(e) => {
                format!("Sayso: {e}. The last good sayso.toml settings stay in force.")
            }
            Problem::Editor(e) => {
                format!("Sayso: {e}. The last good editor settings stay in force.")
            }
            Problem::EditorEntries(p) => format!(
                "Sayso: editor settings: {}. {} left out; the rest applies.",
                p.join("; "),
                if p.len() == 1 {
                    "That entry is"
                } else {
                    "Those entries are"
                }
            ),
        };
        self.client
            .show_message(MessageType::WARNING, message)
            .await;
        if let Problem::File(e) = problem {
            let path = self.with_config(|c| c.file_path());
            let Some((uri, text)) = path.and_then(|p| {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                Uri::from_file_path(p).map(|u| (u, text))
            }) else {
                return;
            };
            let rope = ropey::Rope::from_str(&text);
            let span = e.span.clone().unwrap_or(0..0);
            let diagnostic = Diagnostic {
                range: position::to_lsp_range(&rope, span, self.encoding()),
                severity: Some(DiagnosticSeverity::ERROR),
                code: e
                    .key
                    .as_ref()
                    .map(|_| NumberOrString::String("unknown-key".to_string())),
                source: Some(SOURCE.to_string()),
                message: e.message.clone(),
                ..Diagnostic::default()
            };
            self.settings_diagnostic.store(true, Ordering::SeqCst);
            self.client
                .publish_diagnostics(uri, vec![diagnostic], None)
                .await;
        }
    }

    fn encoding(&self) -> Encoding {
        self.encoding.get().copied().unwrap_or_default()
    }

    /// The current analysis of `uri`. Errors: `InvalidParams` when the
    /// client never opened it (or closed it before sending the request);
    /// `ContentModified` (-32801) when it was open as the request arrived
    /// but was closed before its analysis was ready (LSP 3.17,
    /// "Implementation Considerations": a server that detects a state change
    /// invalidating a request in execution may fail it with
    /// `ContentModified`, which clients do not show to the user).
    async fn snapshot(&self, uri: &Uri) -> Result<Arc<Snapshot>> {
        let was_open = self.docs.is_open(uri);
        match self.docs.snapshot(uri).await {
            Some(s) => Ok(s),
            None => Err(missing(uri, was_open)),
        }
    }

    /// Snapshot and byte offset of a request position (32-bit, as the
    /// analysis' offsets: a text it analyses is shorter than 4 GiB − 1).
    async fn at(&self, p: &TextDocumentPositionParams) -> Result<(Arc<Snapshot>, Offset)> {
        // The position as of the version the request saw, carried onto the
        // (possibly newer) analysed text.
        let uri = &p.text_document.uri;
        let was_open = self.docs.is_open(uri);
        self.docs
            .snapshot_at(uri, p.position, self.encoding())
            .await
            .ok_or_else(|| missing(uri, was_open))
            // Saturating: a position past 4 GiB − 1 can only be in a text
            // too long to analyse, whose analysis has nothing to find there.
            .map(|(snap, offset)| (snap, Offset::try_from(offset).unwrap_or(Offset::MAX)))
    }

    fn location(&self, uri: &Uri, snap: &Snapshot, range: std::ops::Range<Offset>) -> Location {
        Location {
            uri: uri.clone(),
            range: snap.lsp_range(range, self.encoding()),
        }
    }
}

/// What the server offers, in the negotiated encoding.
pub fn capabilities(enc: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(enc.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        declaration_provider: Some(DeclarationCapability::Simple(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            work_done_progress_options: WorkDoneProgressOptions::default(),
            resolve_provider: None,
        })),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        let enc = Encoding::negotiate(offered);
        let enc = *self.encoding.get_or_init(|| enc);
        info!(encoding = ?enc, "initialize");
        let _ = self.caps.set(ClientCaps::of(&params.capabilities));
        let folders: Option<Vec<Uri>> = params
            .workspace_folders
            .as_ref()
            .map(|f| f.iter().map(|w| w.uri.clone()).collect());
        #[allow(deprecated)] // `rootUri`: the fallback for clients without folders.
        let root = Config::root_of(folders.as_deref(), params.root_uri.as_ref());
        info!(root = ?root, "workspace root");
        self.with_config(|c| *c = Config::new(root));
        let mut problems = Vec::new();
        if let Some(options) = params.initialization_options.as_ref() {
            if !is_empty_settings(options) {
                problems.extend(self.take_editor_settings(options));
            }
        }
        if let FileLoad::Bad(e) = self.with_config(|c| c.reload_file()) {
            warn!("{e}; using the default settings");
            problems.push(Problem::File(e));
        }
        self.push_settings();
        if let Ok(mut p) = self.startup_problems.lock() {
            *p = problems;
        }
        Ok(InitializeResult {
            capabilities: capabilities(enc),
            server_info: Some(ServerInfo {
                name: "sayso".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        debug!("initialized");
        let problems = self
            .startup_problems
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default();
        for p in problems {
            self.report(p).await;
        }
        let caps = self.caps();
        if caps.watch_files && self.with_config(|c| c.file_path().is_some()) {
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String(format!("**/{}", crate::settings::FILE_NAME)),
                    kind: None,
                }],
            };
            let registration = Registration {
                id: "sayso-settings-file".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            };
            if let Err(e) = self.client.register_capability(vec![registration]).await {
                debug!("cannot watch sayso.toml: {e}");
            }
        }
        if caps.configuration && !self.with_config(|c| c.has_editor_settings()) {
            self.pull_settings().await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        debug!("didChangeConfiguration");
        if is_empty_settings(&params.settings) {
            if self.caps().configuration {
                self.pull_settings().await;
            }
            return;
        }
        if let Some(p) = self.take_editor_settings(&params.settings) {
            self.report(p).await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let ours =
            self.with_config(|c| params.changes.iter().any(|ch| c.is_settings_file(&ch.uri)));
        if ours {
            self.reload_settings_file().await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        info!("shutdown");
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let d = params.text_document;
        debug!(
            uri = d.uri.as_str(),
            version = d.version,
            language = d.language_id,
            "didOpen"
        );
        if self.with_config(|c| c.is_settings_file(&d.uri)) {
            debug!("sayso.toml is settings, not an article: not analysed");
            return;
        }
        let format = Format::of_document(&d.language_id, d.uri.as_str());
        self.docs.open_as(d.uri, d.version, d.text, format);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Synchronous, before any `.await`: see the module docs.
        let id = params.text_document;
        match self
            .docs
            .change(&id.uri, id.version, params.content_changes, self.encoding())
        {
            Ok(0) => {}
            Ok(n) => warn!(
                uri = id.uri.as_str(),
                version = id.version,
                "{n} change range(s) out of bounds or reversed; clamped"
            ),
            Err(ChangeError::NotOpen) if self.with_config(|c| c.is_settings_file(&id.uri)) => {
                debug!("sayso.toml edited; it is read again when saved")
            }
            Err(e @ ChangeError::NotOpen) | Err(e @ ChangeError::Stale { .. }) => {
                warn!(
                    uri = id.uri.as_str(),
                    version = id.version,
                    "didChange ignored: {e}"
                )
            }
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let uri = &params.text_document.uri;
        debug!(uri = uri.as_str(), "didSave");
        if self.with_config(|c| c.is_settings_file(uri)) {
            self.reload_settings_file().await;
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = &params.text_document.uri;
        let snap = self.snapshot(uri).await?;
        let enc = self.encoding();
        let (range, _) = position::to_byte_range(&snap.rope, params.range, enc);
        let style = EditStyle {
            versioned: self.caps().versioned_edits,
        };
        Ok(Some(code_actions::code_actions(
            uri,
            &snap,
            range,
            &params.context.diagnostics,
            params.context.only.as_deref(),
            enc,
            style,
        )))
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if !self.docs.close(&uri) {
            warn!(
                uri = uri.as_str(),
                "didClose for a document that is not open"
            );
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let (snap, offset) = self.at(&params.text_document_position_params).await?;
        Ok(hover::hover(&snap, offset, self.encoding()))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = &params.text_document_position_params;
        let (snap, offset) = self.at(p).await?;
        Ok(navigation::definition(&snap.analysis, offset)
            .map(|r| GotoDefinitionResponse::Scalar(self.location(&p.text_document.uri, &snap, r))))
    }

    async fn goto_declaration(
        &self,
        params: GotoDeclarationParams,
    ) -> Result<Option<GotoDeclarationResponse>> {
        let p = &params.text_document_position_params;
        let (snap, offset) = self.at(p).await?;
        let ranges = navigation::declaration(&snap.analysis, offset);
        if ranges.is_empty() {
            return Ok(None);
        }
        Ok(Some(GotoDeclarationResponse::Array(
            ranges
                .into_iter()
                .map(|r| self.location(&p.text_document.uri, &snap, r))
                .collect(),
        )))
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = &params.text_document_position;
        let (snap, offset) = self.at(p).await?;
        let ranges =
            navigation::references(&snap.analysis, offset, params.context.include_declaration);
        if ranges.is_empty() {
            return Ok(None);
        }
        Ok(Some(
            ranges
                .into_iter()
                .map(|r| self.location(&p.text_document.uri, &snap, r))
                .collect(),
        ))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let snap = self.snapshot(&params.text_document.uri).await?;
        Ok(Some(DocumentSymbolResponse::Nested(
            outline::document_symbols(&snap, self.encoding()),
        )))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let snap = self.snapshot(&params.text_document.uri).await?;
        let (range, _) = position::to_byte_range(&snap.rope, params.range, self.encoding());
        Ok(Some(outline::inlay_hints(&snap, range, self.encoding())))
    }
}

/// The error for a request whose document has no analysis to answer from:
/// `ContentModified` when the document was open as the request arrived
/// (closed while the request waited), else `InvalidParams` (not open when
/// the request arrived).
fn missing(uri: &Uri, was_open: bool) -> Error {
    if was_open {
        debug!(uri = uri.as_str(), "document closed while a request waited for its analysis");
        Error {
            code: ErrorCode::ContentModified,
            message: format!("document closed: {}", uri.as_str()).into(),
            data: None,
        }
    } else {
        warn!(uri = uri.as_str(), "request for a document that is not open");
        Error::invalid_params(format!("document not open: {}", uri.as_str()))
    }
}
