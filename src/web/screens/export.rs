//! Export: make a batch for the centre (one file, with CSV tables derived from it), the batch history with upload
//! confirmation and purge, and import of a batch file (restore, or moving records to another tablet).

use leptos::prelude::*;

use crate::web::data::DataStoreFields;
use leptos::task::spawn_local;

use crate::crypto::keyring::{Keyring, KEYRING_ID};
use crate::crypto::sealed_file;
use crate::domain::audit::AuditAction;
use crate::domain::batch::{
    csv_tables, read_batch, sha256_hex, BatchInfo, Origin, RemovedBecause, Selection,
};
use crate::domain::date::Date;
use crate::i18n;
use crate::storage::{self, codec, StoreError};
use crate::transfer::{self, ImportError, Pace};
use crate::web::app::{new_id, use_ctx, Ctx};
use crate::web::form::{tr, IsoDateField};
use crate::web::platform::{self, DownloadFailed};
use crate::web::AppStore;
use crate::web::{audit, data, device, widgets};

/// The browser's side of a long export or import: the progress bar moves, and the page handles input and paints
/// between slices of work.
struct ProgressBar(RwSignal<Option<(usize, usize)>>);

impl Pace for ProgressBar {
    async fn step(&mut self, done: usize, total: usize) {
        self.0.try_set(Some((done, total)));
        platform::yield_now().await;
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Note {
    Nothing,
    BadRange,
    Made(String),
    Imported(crate::domain::batch::ImportSummary),
    Refused(crate::domain::batch::BatchProblem),
    Purged(usize),
    Confirmed,
    FileDamaged,
    /// The chosen file could not be read (removed, or on storage that went away).
    FileUnreadable,
    /// The browser did not offer the file for download.
    DownloadFailed,
    /// No centre key, and the worker has not confirmed saving in clear.
    NeedsPlainOk,
    SealFailed,
    /// The chosen file is sealed to the centre: this device cannot open it.
    SealedImport,
    SealedNotForUs,
    SealedDamaged,
    Failed(StoreError),
}

impl From<DownloadFailed> for Note {
    fn from(_: DownloadFailed) -> Self {
        Note::DownloadFailed
    }
}

fn note_text(ctx: Ctx, n: &Note) -> String {
    let lang = ctx.lang.get();
    let s = ctx.t();
    match n {
        Note::Nothing => s.export.nothing.to_owned(),
        Note::BadRange => s.export.bad_range.to_owned(),
        Note::Made(file) => (s.export.made)(file),
        Note::Imported(sum) => i18n::import_summary(lang, sum),
        Note::Refused(p) => i18n::batch_problem(lang, p),
        Note::Purged(n) => (s.export.batch_purged_note)(*n),
        Note::Confirmed => s.export.batch_confirmed_note.to_owned(),
        Note::FileDamaged => s.export.batch_file_changed.to_owned(),
        Note::FileUnreadable => s.file_unreadable.to_owned(),
        Note::DownloadFailed => s.download_failed.to_owned(),
        Note::NeedsPlainOk => s.export.plain_needs_ok.to_owned(),
        Note::SealFailed => s.export.seal_failed.to_owned(),
        Note::SealedImport => s.export.sealed_import.to_owned(),
        Note::SealedNotForUs => s.export.sealed_not_for_us.to_owned(),
        Note::SealedDamaged => s.export.sealed_damaged.to_owned(),
        Note::Failed(e) => i18n::store_error(lang, e),
    }
}

/// Whether the worker confirmed saving files in clear (when Settings hold no centre key), for this visit.
#[derive(Clone, Copy)]
struct PlainOk(RwSignal<bool>);

fn centre_keys(ctx: Ctx) -> Vec<String> {
    ctx.device.with_untracked(|d| d.as_ref().map(|d| d.centre_keys.clone()).unwrap_or_default())
}

/// Offers a file for download: sealed to the centre's keys (the name gets ".age") when Settings hold them; in clear
/// only once the worker has confirmed it. Returns the name offered.
fn offer(ctx: Ctx, plain_ok: PlainOk, name: &str, mime: &str, text: &str) -> Result<String, Note> {
    let keys = centre_keys(ctx);
    if keys.is_empty() {
        if !plain_ok.0.get_untracked() {
            return Err(Note::NeedsPlainOk);
        }
        platform::download(name, mime, text)?;
        return Ok(name.to_owned());
    }
    let sealed = sealed_file::seal(&keys, text.as_bytes()).map_err(|_| Note::SealFailed)?;
    let sealed_name = format!("{name}.age");
    platform::download_bytes(&sealed_name, "application/octet-stream", &sealed)?;
    Ok(sealed_name)
}

/// Whether export files are sealed, and to which key; without a key, the plain warning and its confirmation.
#[component]
fn EncryptionNotice(plain_ok: PlainOk) -> impl IntoView {
    let ctx = use_ctx();
    move || {
        let keys = ctx.device.with(|d| d.as_ref().map(|d| d.centre_keys.clone()).unwrap_or_default());
        match keys.first() {
            Some(k) => {
                let short =
                    format!("{}…{}", k.get(..10).unwrap_or(k), k.get(k.len().saturating_sub(6)..).unwrap_or(""));
                view! { <p class="notice" data-testid="export-sealing">{(ctx.t().export.sealed_for)(&short)}</p> }
                    .into_any()
            }
            None => view! {
                <div class="notice notice-warn" data-testid="export-sealing">
                    <p>{tr(|s| s.export.plain_warning)}</p>
                    <label class="choice">
                        <input type="checkbox" prop:checked=move || plain_ok.0.get()
                            on:change=move |ev| plain_ok.0.set(event_target_checked(&ev))/>
                        <span>{tr(|s| s.export.plain_ok)}</span>
                    </label>
                </div>
            }
            .into_any(),
        }
    }
}

#[component]
pub fn ExportScreen() -> impl IntoView {
    let plain_ok = PlainOk(RwSignal::new(false));
    provide_context(plain_ok);
    view! {
        <h1 tabindex="-1">{tr(|s| s.export_title)}</h1>
        <p class="lead">{tr(|s| s.export.intro)}</p>
        <EncryptionNotice plain_ok/>
        <MakeBatch note=RwSignal::new(None)/>
        <Batches note=RwSignal::new(None)/>
        <ImportBatch note=RwSignal::new(None)/>
    }
}

#[component]
fn MakeBatch(note: RwSignal<Option<Note>>) -> impl IntoView {
    let ctx = use_ctx();
    let plain_ok = expect_context::<PlainOk>();
    let choice = RwSignal::new("new");
    let today = platform::today();
    let from = RwSignal::new(today.add_days(-30).iso());
    let to = RwSignal::new(today.iso());
    let progress = RwSignal::new(None::<(usize, usize)>);
    let last =
        Memo::new(move |_| ctx.data.batches().with(|batches| batches.iter().map(|b| b.created_at.clone()).max()));
    let make = move |_| {
        if centre_keys(ctx).is_empty() && !plain_ok.0.get_untracked() {
            note.set(Some(Note::NeedsPlainOk));
            return;
        }
        let selection = match choice.get_untracked() {
            "since" => match last.get_untracked() {
                Some(since) => Selection::SinceLastBatch { since },
                None => Selection::NotExported,
            },
            "range" => {
                let (f, t) = (from.get_untracked(), to.get_untracked());
                match (Date::parse_iso(&f), Date::parse_iso(&t)) {
                    (Some(a), Some(b)) if a <= b => Selection::Range { from: f, to: t },
                    _ => {
                        note.set(Some(Note::BadRange));
                        return;
                    }
                }
            }
            _ => Selection::NotExported,
        };
        let store = match ctx.store_or_err() {
            Ok(s) => s,
            Err(e) => {
                note.set(Some(Note::Failed(e)));
                return;
            }
        };
        let origin = match device::current(ctx).and_then(|d| {
            Ok(Origin {
                batch_id: new_id()?,
                device_id: d.device_id,
                device_label: d.label,
                worker: untrack(|| ctx.worker()),
                created_at: platform::now_iso(),
                app_version: env!("CARGO_PKG_VERSION").into(),
                rules_version: ctx
                    .data
                    .rules()
                    .with_untracked(|rules| rules.as_ref().map(|r| r.version.clone()))
                    .unwrap_or_default(),
            })
        }) {
            Ok(o) => o,
            Err(e) => {
                note.set(Some(Note::Failed(e)));
                return;
            }
        };
        let ledger = ctx.data.ledger().with_untracked(|ledger| ledger.clone());
        note.set(None);
        progress.set(Some((0, 0)));
        spawn_local(async move {
            let made = match device_signer(&store).await {
                Ok(signer) => {
                    transfer::export(&store, &origin, selection, &ledger, signer.as_ref(), &mut ProgressBar(progress))
                        .await
                }
                Err(e) => Err(e),
            };
            let outcome = match made {
                Ok(None) => Note::Nothing,
                Ok(Some(made)) => {
                    audit::note(ctx, AuditAction::Export, Some(&made.info.id), Some(made.info.entries.len())).await;
                    let offered = offer(ctx, plain_ok, &made.info.file_name, "application/json", &made.text);
                    data::remember_batch(ctx, made.info);
                    // Enrolled with the centre: the new batch goes at once when there is a connection.
                    crate::web::outbox::wake(ctx, false);
                    // The batch is kept either way: "save the file again" offers it.
                    match offered {
                        Ok(name) => Note::Made(name),
                        Err(n) => n,
                    }
                }
                Err(e) => Note::Failed(e),
            };
            note.try_set(Some(outcome));
            progress.try_set(None);
        });
    };
    let choices: [(&'static str, fn(&i18n::Strings) -> &'static str); 3] =
        [("new", |s| s.export.choice_new), ("since", |s| s.export.choice_since), ("range", |s| s.export.choice_range)];
    view! {
        <section class="card" aria-labelledby="make-h">
            <h2 id="make-h">{tr(|s| s.export.make_title)}</h2>
            <widgets::PendingLine/>
            <fieldset class="choices choices-stack">
                <legend>{tr(|s| s.export.choice_legend)}</legend>
                {choices.into_iter().map(|(code, text)| view! {
                    <label class="choice">
                        <input type="radio" name="export-choice" value=code
                            disabled=move || code == "since" && last.get().is_none()
                            prop:checked=move || choice.get() == code on:change=move |_| choice.set(code)/>
                        <span>{tr(text)}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <Show when=move || choice.get() == "range">
                <div class="form-row">
                    <IsoDateField id="export-from" label=Signal::derive(move || ctx.t().export.from.to_owned()) value=from
                        on_change=Callback::new(move |v| from.set(v))/>
                    <IsoDateField id="export-to" label=Signal::derive(move || ctx.t().export.to.to_owned()) value=to
                        on_change=Callback::new(move |v| to.set(v))/>
                </div>
            </Show>
            <div class="form-actions">
                <button type="button" class="btn btn-primary" disabled=move || progress.get().is_some() on:click=make>
                    {tr(|s| s.export.make)}
                </button>
            </div>
            <ProgressLine id="export-progress" progress=progress label=|s| s.export.progress/>
            <p class="form-status" role="status" data-testid="export-status">{move || note.get().map(|n| note_text(ctx, &n))}</p>
        </section>
    }
}

/// A labelled progress bar while a long job runs ("done / total"); nothing otherwise.
#[component]
fn ProgressLine(
    id: &'static str,
    progress: RwSignal<Option<(usize, usize)>>,
    label: fn(&i18n::Strings) -> &'static str,
) -> impl IntoView {
    let bar = format!("{id}-bar");
    move || {
        progress.get().map(|(done, total)| {
            view! {
                <div class="progress" data-testid=id>
                    <label for=bar.clone()>{tr(label)}</label>
                    <progress id=bar.clone() max=total.max(1).to_string() value=done.to_string()></progress>
                    <span class="muted">{format!("{done} / {total}")}</span>
                </div>
            }
        })
    }
}

/// Reads a batch's kept text.
async fn kept_text(ctx: Ctx, id: String) -> Result<String, StoreError> {
    let store = ctx.store_or_err()?;
    crate::transfer::kept::kept_file(&store, &id).await?.ok_or(StoreError::Other { detail: "batch file missing".into() })
}

#[component]
fn Batches(note: RwSignal<Option<Note>>) -> impl IntoView {
    let ctx = use_ctx();
    let list = Memo::new(move |_| ctx.data.batches().with(|batches| batches.clone()));
    let empty = Memo::new(move |_| list.with(Vec::is_empty));
    // Enrolled with the centre: batches can be sent from here.
    let linked = RwSignal::new(false);
    if let Some(store) = ctx.store() {
        spawn_local(async move {
            match storage::load::<crate::transfer::upload::CentreLink>(&store, crate::transfer::upload::CENTRE_LINK_ID).await {
                Ok(l) => {
                    linked.try_set(l.is_some());
                }
                Err(e) => {
                    note.try_set(Some(Note::Failed(e)));
                }
            }
        });
    }
    view! {
        <section class="card" aria-labelledby="batches-h">
            <h2 id="batches-h">{tr(|s| s.export.batches_title)}</h2>
            <Show when=move || !empty.get() fallback=|| view! { <p class="muted">{tr(|s| s.export.batches_none)}</p> }>
                <ol class="history" data-testid="batches">
                    // Keyed by what a row shows that can change: a confirmed or purged batch gets a new row.
                    <For each=move || list.get()
                        key=|b| (b.id.clone(), b.uploaded_at.clone(), b.purged_at.clone(), b.file_removed.is_some()) let:b>
                        <BatchItem info=b note=note linked=linked/>
                    </For>
                </ol>
            </Show>
            <p class="form-status" role="status" data-testid="batches-status">{move || note.get().map(|n| note_text(ctx, &n))}</p>
        </section>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asking {
    No,
    Confirm,
    Purge,
}

#[component]
fn BatchItem(info: BatchInfo, note: RwSignal<Option<Note>>, linked: RwSignal<bool>) -> impl IntoView {
    let ctx = use_ctx();
    let plain_ok = expect_context::<PlainOk>();
    let asking = RwSignal::new(Asking::No);
    let busy = RwSignal::new(false);
    let b = StoredValue::new(info.clone());
    let when = platform::local_time_of(&info.created_at);
    let day = Date::parse_iso(info.created_at.get(0..10).unwrap_or("")).map(Date::dotted).unwrap_or_default();
    let download = move |_| {
        let (id, name) = b.with_value(|b| (b.id.clone(), b.file_name.clone()));
        spawn_local(async move {
            let failed = match kept_text(ctx, id.clone()).await {
                Ok(text) => offer(ctx, plain_ok, &name, "application/json", &text).err(),
                Err(e) => Some(Note::Failed(e)),
            };
            if failed.is_none() {
                audit::note(ctx, AuditAction::SaveAgain, Some(&id), None).await;
            }
            if let Some(n) = failed {
                note.try_set(Some(n));
            }
        });
    };
    let csv = move |_| {
        let id = b.with_value(|b| b.id.clone());
        spawn_local(async move {
            let text = match kept_text(ctx, id.clone()).await {
                Ok(t) => t,
                Err(e) => {
                    note.try_set(Some(Note::Failed(e)));
                    return;
                }
            };
            // The tables come from the kept batch itself, and must match the checksums its manifest pins.
            let Ok(file) = read_batch(&text, platform::today()) else {
                note.try_set(Some(Note::FileDamaged));
                return;
            };
            let tables = csv_tables(&file);
            if tables.iter().any(|(name, t)| file.manifest.csv_sha256.get(name) != Some(&sha256_hex(t.as_bytes()))) {
                note.try_set(Some(Note::FileDamaged));
                return;
            }
            for (name, t) in tables {
                if let Err(n) = offer(ctx, plain_ok, &name, "text/csv;charset=utf-8", &t) {
                    note.try_set(Some(n));
                    return;
                }
            }
            audit::note(ctx, AuditAction::SaveAgain, Some(&id), None).await;
        });
    };
    let confirm = move |_| {
        let store = match ctx.store_or_err() {
            Ok(s) => s,
            Err(e) => {
                note.set(Some(Note::Failed(e)));
                return;
            }
        };
        let mut next = b.get_value();
        next.uploaded_at = Some(platform::now_iso());
        busy.set(true);
        spawn_local(async move {
            match storage::save(&store, &next, &platform::now_iso()).await {
                Ok(_) => {
                    audit::note(ctx, AuditAction::Uploaded, Some(&next.id), None).await;
                    data::remember_batch(ctx, next);
                    note.try_set(Some(Note::Confirmed));
                    asking.try_set(Asking::No);
                }
                Err(e) => {
                    note.try_set(Some(Note::Failed(e)));
                }
            }
            busy.try_set(false);
        });
    };
    let send = move |_| {
        note.set(None);
        b.with_value(|b| crate::web::outbox::send_now(ctx, &b.id));
    };
    // Where the batch is in the outbox (when enrolled and not yet delivered).
    let outbox_status = move || b.with_value(|b| ctx.outbox.with(|o| o.get(&b.id).cloned()));
    let sending = move || matches!(outbox_status(), Some(crate::transfer::outbox::Status::Sending));
    let purge = move |_| {
        let store = match ctx.store_or_err() {
            Ok(s) => s,
            Err(e) => {
                note.set(Some(Note::Failed(e)));
                return;
            }
        };
        let info = b.get_value();
        busy.set(true);
        spawn_local(async move {
            match transfer::purge(&store, &info, &platform::now_iso()).await {
                Ok(Some(done)) => {
                    let n = done.purged.len();
                    audit::note(ctx, AuditAction::Purge, Some(&done.id), Some(n)).await;
                    match data::reload(ctx, &store).await {
                        Ok(()) => {
                            note.try_set(Some(Note::Purged(n)));
                        }
                        Err(e) => {
                            note.try_set(Some(Note::Failed(e)));
                        }
                    }
                    asking.try_set(Asking::No);
                }
                Ok(None) => {
                    asking.try_set(Asking::No);
                }
                Err(e) => {
                    note.try_set(Some(Note::Failed(e)));
                }
            }
            busy.try_set(false);
        });
    };
    let status = move || {
        let s = ctx.t();
        b.with_value(|b| {
            let on = |iso: &Option<String>| {
                iso.as_deref().and_then(|x| Date::parse_iso(x.get(0..10)?)).map(Date::dotted).unwrap_or_default()
            };
            match (&b.uploaded_at, &b.purged_at) {
                (_, Some(_)) => (s.export.batch_status_purged)(&on(&b.purged_at)),
                (Some(_), None) => (s.export.batch_status_uploaded)(&on(&b.uploaded_at)),
                (None, None) if b.imported => s.export.batch_status_imported.to_owned(),
                (None, None) => s.export.batch_status_created.to_owned(),
            }
        })
    };
    let counts = move || {
        let lang = ctx.lang.get();
        let s = ctx.t();
        b.with_value(|b| {
            let c = &b.counts;
            let kiosk_only = c.clients + c.appeals == 0 && c.tickets + c.feedback > 0;
            let mut parts = Vec::new();
            if !kiosk_only {
                parts.push(i18n::count(lang, c.clients as u64, &s.home.clients));
                parts.push(i18n::count(lang, c.appeals as u64, &s.home.appeals));
            }
            for (n, noun) in [(c.checklists, &s.export.batch_checklists), (c.tickets, &s.export.batch_tickets), (c.feedback, &s.export.batch_feedback)] {
                if n > 0 {
                    parts.push(i18n::count(lang, n as u64, noun));
                }
            }
            parts.join(", ")
        })
    };
    let uploaded = info.uploaded_at.is_some();
    let purged = info.purged_at.is_some();
    // Why there is no file to save again, when it was removed for holding personal data.
    let removed = info.file_removed.as_ref().map(|f| f.because);
    let name = info.file_name.clone();
    let label = move |t: fn(&i18n::Strings) -> &'static str| {
        let name = name.clone();
        move || format!("{}: {}", t(ctx.t()), name)
    };
    view! {
        <li class="history-item batch" data-testid="batch">
            <p class="history-head"><strong>{day} " " {when}</strong> " · " <span class="mono">{info.file_name.clone()}</span></p>
            <p>{counts}</p>
            <p><span class="badge" data-testid="batch-status">{status}</span></p>
            {(!uploaded && removed.is_none() && !info.imported).then(|| view! {
                <Show when=move || linked.get()>
                    <p class="muted" role="status" data-testid="batch-outbox">
                        {move || super::centre::outbox_text(ctx, outbox_status().as_ref())}
                    </p>
                </Show>
            })}
            {info.receipt.as_ref().map(|r| {
                let at = format!(
                    "{} {}",
                    Date::parse_iso(r.received_at.get(0..10).unwrap_or("")).map(Date::dotted).unwrap_or_default(),
                    platform::local_time_of(&r.received_at)
                );
                view! { <p class="muted" data-testid="batch-receipt">{move || (ctx.t().export.receipt_at)(&at)}</p> }
            })}
            {removed.map(|why| view! {
                <p class="muted" data-testid="batch-file-removed">{move || match why {
                    RemovedBecause::Purged => ctx.t().export.file_removed_purged,
                    RemovedBecause::Withdrawal => ctx.t().export.file_removed_withdrawal,
                }}</p>
            })}
            <div class="form-actions">
                {removed.is_none().then(|| view! {
                    <button type="button" class="btn btn-secondary" aria-label=label(|s| s.export.batch_download) on:click=download>
                        {tr(|s| s.export.batch_download)}
                    </button>
                    <button type="button" class="btn btn-secondary" aria-label=label(|s| s.export.batch_csv) on:click=csv>
                        {tr(|s| s.export.batch_csv)}
                    </button>
                })}
                {(!uploaded && removed.is_none() && !info.imported).then(|| view! {
                    <Show when=move || linked.get()>
                        <button type="button" class="btn btn-primary" aria-label=label(|s| s.export.send_button)
                            disabled=move || busy.get() || sending() on:click=send>{tr(|s| s.export.send_button)}</button>
                    </Show>
                })}
                {(!uploaded).then(|| view! {
                    <button type="button" class=move || if linked.get() { "btn btn-secondary" } else { "btn btn-primary" }
                        on:click=move |_| asking.set(Asking::Confirm)>{tr(|s| s.export.batch_confirm)}</button>
                })}
                {(uploaded && !purged).then(|| view! {
                    <button type="button" class="btn btn-danger" on:click=move |_| asking.set(Asking::Purge)>{tr(|s| s.export.batch_purge)}</button>
                })}
            </div>
            {move || match asking.get() {
                Asking::No => ().into_any(),
                Asking::Confirm => view! {
                    <div class="banner banner-info banner-block" role="alertdialog" aria-label=move || ctx.t().export.batch_confirm>
                        <p>{move || b.with_value(|b| (ctx.t().export.batch_confirm_q)(&b.file_name))}</p>
                        <div class="form-actions">
                            <button type="button" class="btn btn-secondary" on:click=move |_| asking.set(Asking::No)>{tr(|s| s.cancel)}</button>
                            <button type="button" class="btn btn-primary" disabled=move || busy.get() on:click=confirm>{tr(|s| s.export.batch_confirm_yes)}</button>
                        </div>
                    </div>
                }.into_any(),
                Asking::Purge => view! {
                    <div class="banner banner-error banner-block" role="alertdialog" aria-label=move || ctx.t().export.batch_purge>
                        <p>{tr(|s| s.export.batch_purge_q)}</p>
                        <div class="form-actions">
                            <button type="button" class="btn btn-secondary" on:click=move |_| asking.set(Asking::No)>{tr(|s| s.cancel)}</button>
                            <button type="button" class="btn btn-danger" disabled=move || busy.get() on:click=purge>{tr(|s| s.export.batch_purge_yes)}</button>
                        </div>
                    </div>
                }.into_any(),
            }}
        </li>
    }
}

/// The device's key that signs each batch manifest (made and kept at the first batch); `None` on a device without
/// protection (there is no keyring to keep it in).
async fn device_signer(store: &AppStore) -> Result<Option<ed25519_dalek::SigningKey>, StoreError> {
    let Some(mut ring) = storage::load::<Keyring>(store, KEYRING_ID).await? else { return Ok(None) };
    let key = codec::data_key()?;
    let (signer, made) =
        ring.signing_key(&key).await.map_err(|e| StoreError::Other { detail: format!("device signing key: {e:?}") })?;
    if made {
        storage::save(store, &ring, &platform::now_iso()).await?;
    }
    Ok(Some(signer))
}

/// The text of a chosen batch file: as it is, or opened with the centre's identity when it is sealed (age) and this
/// device holds that identity (a centre staff tablet). Nothing is written either way.
async fn batch_text(ctx: Ctx, bytes: Option<Vec<u8>>) -> Result<String, Note> {
    let bytes = bytes.ok_or(Note::FileUnreadable)?;
    let plain = if sealed_file::is_sealed(&bytes) {
        let store = ctx.store_or_err().map_err(Note::Failed)?;
        let ring = storage::load::<Keyring>(&store, KEYRING_ID).await.map_err(Note::Failed)?;
        let key = codec::data_key().map_err(Note::Failed)?;
        let identity = match ring {
            Some(r) => r.centre_identity(&key).await.map_err(|_| Note::SealedDamaged)?,
            None => None,
        };
        let identity = identity.ok_or(Note::SealedImport)?;
        sealed_file::open(&identity, &bytes).map_err(|p| match p {
            sealed_file::OpenProblem::NotForThisKey => Note::SealedNotForUs,
            sealed_file::OpenProblem::Damaged => Note::SealedDamaged,
        })?
    } else {
        bytes
    };
    // Not UTF-8: whatever it is, it is not a batch (the batch check words it).
    Ok(String::from_utf8(plain).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

#[component]
fn ImportBatch(note: RwSignal<Option<Note>>) -> impl IntoView {
    let ctx = use_ctx();
    let busy = RwSignal::new(false);
    let progress = RwSignal::new(None::<(usize, usize)>);
    let import = move |ev: leptos::ev::Event| {
        let Some(file) = platform::chosen_file(&ev) else { return };
        let store = match ctx.store_or_err() {
            Ok(s) => s,
            Err(e) => {
                note.set(Some(Note::Failed(e)));
                return;
            }
        };
        busy.set(true);
        note.set(None);
        spawn_local(async move {
            // Refused before it is read: a sealed file is a little larger than the batch inside it.
            let limit = crate::domain::batch::MAX_BATCH_BYTES;
            let read = if file.size() > limit as f64 * 1.01 {
                Err(Note::Refused(crate::domain::batch::BatchProblem::FileTooLarge { limit_bytes: limit }))
            } else {
                batch_text(ctx, platform::file_bytes(file).await).await
            };
            let outcome = match read {
                Err(n) => n,
                Ok(text) => {
                    let result = transfer::import(&store, &text, platform::today(), &mut ProgressBar(progress)).await;
                    // The file's text is not needed past here: freed before the screens' data takes what was written.
                    drop(text);
                    match result {
                        Ok(transfer::Imported { manifest, summary, changed }) => {
                            let id = manifest.batch_id.as_str();
                            audit::note(ctx, AuditAction::Import, Some(id), Some(summary.writes())).await;
                            match data::imported(ctx, &store, summary.withdrawn > 0, changed).await {
                                Ok(()) => Note::Imported(summary),
                                Err(e) => Note::Failed(e),
                            }
                        }
                        Err(ImportError::Refused(p)) => Note::Refused(p),
                        Err(ImportError::Store(e)) => Note::Failed(e),
                    }
                }
            };
            note.try_set(Some(outcome));
            progress.try_set(None);
            busy.try_set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="import-h">
            <h2 id="import-h">{tr(|s| s.export.import_title)}</h2>
            <p class="hint" id="import-hint">{tr(|s| s.export.import_intro)}</p>
            <label class="btn btn-secondary file-button" class:btn-busy=move || busy.get()>
                {tr(|s| s.export.import_choose)}
                <input type="file" accept=".json,application/json" class="visually-hidden" aria-describedby="import-hint"
                    disabled=move || busy.get() on:change=import/>
            </label>
            <ProgressLine id="import-progress" progress=progress label=|s| s.export.import_progress/>
            <p class="form-status" role="status" data-testid="import-status">
                {move || if busy.get() { Some(ctx.t().export.import_busy.to_owned()) } else { note.get().map(|n| note_text(ctx, &n)) }}
            </p>
        </section>
    }
}
