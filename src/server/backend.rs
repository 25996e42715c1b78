//! The `LanguageServer` implementation: LSP messages in, core results out.
//!
//! Text synchronisation handlers (`didOpen`, `didChange`, `didClose`) do all
//! their work synchronously, before any `.await`: tower-lsp-server runs
//! handlers concurrently (upstream tower-lsp issue #284) but starts them in
//! the order the messages arrived, so edits are applied in order. Requests
//! wait for the analysis of the version the document has when they start
//! ([`Documents::snapshot`]) and never hold a map guard across an `.await`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::request::{GotoDeclarationParams, GotoDeclarationResponse};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};
use tracing::{debug, info, warn};

use super::diagnostics::diagnostics;
use super::documents::{ChangeError, Documents, Event, Sink, Snapshot};
use super::position::{self, Encoding};
use super::transport::Malformed;
use super::{hover, navigation, outline};

/// The Sayso language server.
#[derive(Debug)]
pub struct Backend {
    docs: Arc<Documents>,
    encoding: Arc<OnceLock<Encoding>>,
    shutdown: Arc<AtomicBool>,
}

impl Backend {
    /// A server talking to `client`. `shutdown` is set when the client sends
    /// `shutdown` (the process exit code depends on it).
    pub fn new(client: Client, shutdown: Arc<AtomicBool>) -> Self {
        let encoding: Arc<OnceLock<Encoding>> = Arc::new(OnceLock::new());
        let enc = encoding.clone();
        let sink: Sink = Arc::new(move |event| {
            let client = client.clone();
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
            docs: Arc::new(Documents::new(sink)),
            encoding,
            shutdown,
        }
    }

    fn encoding(&self) -> Encoding {
        self.encoding.get().copied().unwrap_or_default()
    }

    /// The current analysis of `uri`, or an `InvalidParams` error when the
    /// client never opened it.
    async fn snapshot(&self, uri: &Uri) -> Result<Arc<Snapshot>> {
        match self.docs.snapshot(uri).await {
            Some(s) => Ok(s),
            None => {
                warn!(
                    uri = uri.as_str(),
                    "request for a document that is not open"
                );
                Err(Error::invalid_params(format!(
                    "document not open: {}",
                    uri.as_str()
                )))
            }
        }
    }

    /// Snapshot and byte offset of a request position.
    async fn at(&self, p: &TextDocumentPositionParams) -> Result<(Arc<Snapshot>, usize)> {
        // The position as of the version the request saw, carried onto the
        // (possibly newer) analysed text.
        match self
            .docs
            .snapshot_at(&p.text_document.uri, p.position, self.encoding())
            .await
        {
            Some(found) => Ok(found),
            None => self.snapshot(&p.text_document.uri).await.map(|snap| {
                let offset = snap.offset(p.position, self.encoding());
                (snap, offset)
            }),
        }
    }

    /// Answer a malformed client message (see [`super::transport`]) with
    /// its JSON-RPC error.
    pub async fn malformed(&self, p: Malformed) -> Result<()> {
        Err(Error {
            code: ErrorCode::from(p.code),
            message: p.message.into(),
            data: None,
        })
    }

    fn location(&self, uri: &Uri, snap: &Snapshot, range: std::ops::Range<usize>) -> Location {
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
        self.docs.open(d.uri, d.version, d.text);
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
        debug!(uri = params.text_document.uri.as_str(), "didSave");
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
