//! The offline directory of partner organisations: add, edit, remove, and share as a file.

use leptos::prelude::*;

use crate::web::data::DataStoreFields;
use leptos::task::spawn_local;

use crate::domain::referral::{Directory, DirectoryProblem, OrgField, Organisation};
use crate::i18n;
use crate::storage::StoreError;
use crate::web::app::{new_id, use_ctx, Ctx};
use crate::web::data;
use crate::web::form::{tr, TextInput};
use crate::web::platform;

#[derive(Debug, Clone, PartialEq)]
enum Note {
    Saved,
    Imported(usize, usize),
    Refused(DirectoryProblem),
    Unreadable,
    DownloadFailed,
    Failed(StoreError),
}

/// Writes the directory, then the memory copy.
fn store_directory(ctx: Ctx, next: Directory, note: RwSignal<Option<Note>>, ok: Note) {
    let store = match ctx.store_or_err() {
        Ok(s) => s,
        Err(e) => {
            note.set(Some(Note::Failed(e)));
            return;
        }
    };
    // What this tab showed when the edit was made: the edit is put on the stored directory entry by entry.
    let base = ctx.data.directory().get_untracked();
    spawn_local(async move {
        match data::save_directory(&store, &base, &next, &platform::now_iso()).await {
            Ok(stored) => {
                ctx.data.directory().set(stored);
                ctx.data_changed();
                // A file of organisations installed is in the audit trail (an edit by hand is not).
                if let Note::Imported(added, replaced) = ok {
                    let action = crate::domain::audit::AuditAction::DirectoryInstalled;
                    crate::web::audit::note(ctx, action, None, Some(added + replaced)).await;
                }
                note.try_set(Some(ok));
            }
            Err(e) => {
                note.try_set(Some(Note::Failed(e)));
            }
        }
    });
}

#[component]
pub fn DirectoryScreen() -> impl IntoView {
    let ctx = use_ctx();
    let note = RwSignal::new(None::<Note>);
    let editing = RwSignal::new(None::<Organisation>);
    let orgs = Memo::new(move |_| ctx.data.directory().with(|directory| directory.organisations.clone()));

    let export = move |_| {
        let text = ctx.data.directory().with_untracked(|directory| directory.to_file());
        if platform::download("pryiom-directory.json", "application/json", &text).is_err() {
            note.set(Some(Note::DownloadFailed));
        }
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(file) = platform::chosen_file(&ev) else { return };
        // The last file's message goes while this one is read.
        note.set(None);
        spawn_local(async move {
            let limit = crate::domain::referral::MAX_DIRECTORY_BYTES;
            if file.size() > limit as f64 {
                note.try_set(Some(Note::Refused(DirectoryProblem::TooLarge { limit_bytes: limit })));
                return;
            }
            let Some(text) = platform::file_text(file).await else {
                note.try_set(Some(Note::Unreadable));
                return;
            };
            match Directory::from_file(&text) {
                Ok(incoming) => {
                    let mut next = ctx.data.directory().with_untracked(|directory| directory.clone());
                    let (added, replaced) = next.merge(incoming);
                    store_directory(ctx, next, note, Note::Imported(added, replaced));
                }
                Err(p) => {
                    note.try_set(Some(Note::Refused(p)));
                }
            }
        });
    };

    view! {
        <h1 tabindex="-1">{tr(|s| s.directory.title)}</h1>
        <p class="lead">{tr(|s| s.directory.intro)}</p>
        <div class="form-actions">
            <button type="button" class="btn btn-primary" on:click=move |_| {
                match new_id() {
                    Ok(id) => editing.set(Some(Organisation { id, name: String::new(), address: String::new(), phone: String::new(),
                        hours: String::new(), contact: String::new(), topics: vec![] })),
                    Err(e) => note.set(Some(Note::Failed(e))),
                }
            }>{tr(|s| s.directory.org_add)}</button>
            <button type="button" class="btn btn-secondary" on:click=export>{tr(|s| s.directory.export)}</button>
            <label class="btn btn-secondary file-button">
                {tr(|s| s.directory.import)}
                <input type="file" accept=".json,application/json" class="visually-hidden" on:change=import/>
            </label>
        </div>
        <p role="status" class="form-status" data-testid="directory-status">
            {move || note.get().map(|n| match n {
                Note::Saved => ctx.t().settings.saved.to_owned(),
                Note::Imported(a, r) => (ctx.t().directory.imported)(a, r),
                Note::Refused(p) => i18n::directory_problem(ctx.lang.get(), &p),
                Note::Unreadable => ctx.t().file_unreadable.to_owned(),
                Note::DownloadFailed => ctx.t().download_failed.to_owned(),
                Note::Failed(e) => i18n::store_error(ctx.lang.get(), &e),
            })}
        </p>
        {move || editing.get().map(|o| view! { <OrgForm org=o editing=editing note=note/> })}
        <ul class="results">
            {move || {
                let list = orgs.get();
                if list.is_empty() {
                    return view! { <li class="muted">{ctx.t().directory.empty}</li> }.into_any();
                }
                list.into_iter().map(|o| {
                    let edit = o.clone();
                    let id = o.id.clone();
                    let name = o.name.clone();
                    view! {
                        <li class="result">
                            <div class="summary">
                                <p class="summary-name">{o.name.clone()}</p>
                                <p class="muted">{o.address.clone()} " · " {o.phone.clone()} " · " {o.hours.clone()}</p>
                                {(!o.topics.is_empty()).then(|| view! { <p class="muted">{o.topics.join(", ")}</p> })}
                            </div>
                            <div class="result-actions">
                                <button type="button" class="btn btn-secondary" aria-label=format!("{}: {}", ctx.t().edit, name)
                                    on:click=move |_| editing.set(Some(edit.clone()))>{ctx.t().edit}</button>
                                <button type="button" class="btn btn-secondary" aria-label=format!("{}: {}", ctx.t().remove, name)
                                    on:click=move |_| {
                                        let mut next = ctx.data.directory().with_untracked(|directory| directory.clone());
                                        next.remove(&id);
                                        store_directory(ctx, next, note, Note::Saved);
                                    }>{ctx.t().remove}</button>
                            </div>
                        </li>
                    }
                }).collect_view().into_any()
            }}
        </ul>
    }
}

#[component]
fn OrgForm(org: Organisation, editing: RwSignal<Option<Organisation>>, note: RwSignal<Option<Note>>) -> impl IntoView {
    let ctx = use_ctx();
    let form = RwSignal::new(org);
    let missing = RwSignal::new(Vec::<OrgField>::new());
    let f = |get: fn(&Organisation) -> String, set: fn(&mut Organisation, String)| {
        (Signal::derive(move || form.with(get)), Callback::new(move |v| form.update(|o| set(o, v))))
    };
    let problem = move |field: OrgField| {
        Signal::derive(move || missing.with(|m| m.contains(&field)).then(|| ctx.t().settings.name_empty.to_owned()))
    };
    let (name, set_name) = f(|o| o.name.clone(), |o, v| o.name = v);
    let (address, set_address) = f(|o| o.address.clone(), |o, v| o.address = v);
    let (phone, set_phone) = f(|o| o.phone.clone(), |o, v| o.phone = v);
    let (hours, set_hours) = f(|o| o.hours.clone(), |o, v| o.hours = v);
    let (contact, set_contact) = f(|o| o.contact.clone(), |o, v| o.contact = v);
    let (topics, set_topics) = f(
        |o| o.topics.join(", "),
        |o, v| o.topics = v.split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect(),
    );
    let save = move |_| {
        let o = form.get_untracked();
        let m = o.missing();
        if !m.is_empty() {
            missing.set(m);
            return;
        }
        let mut next = ctx.data.directory().with_untracked(|directory| directory.clone());
        next.upsert(o);
        editing.set(None);
        store_directory(ctx, next, note, Note::Saved);
    };
    view! {
        <form class="card" aria-labelledby="org-form-h" novalidate on:submit=|ev| ev.prevent_default()>
            <h2 id="org-form-h">{tr(|s| s.directory.org_form_title)}</h2>
            <TextInput id="org-name" label=|s| s.directory.org_name value=name on_input=set_name required=true problem=problem(OrgField::Name)/>
            <TextInput id="org-address" label=|s| s.directory.org_address value=address on_input=set_address required=true problem=problem(OrgField::Address)/>
            <TextInput id="org-phone" label=|s| s.directory.org_phone value=phone on_input=set_phone kind="tel" required=true problem=problem(OrgField::Phone)/>
            <TextInput id="org-hours" label=|s| s.directory.org_hours hint=|s| s.directory.org_hours_hint value=hours on_input=set_hours required=true problem=problem(OrgField::Hours)/>
            <TextInput id="org-contact" label=|s| s.directory.org_contact hint=|s| s.directory.org_contact_hint value=contact on_input=set_contact/>
            <TextInput id="org-topics" label=|s| s.directory.org_topics hint=|s| s.directory.org_topics_hint value=topics on_input=set_topics/>
            <div class="form-actions">
                <button type="button" class="btn btn-secondary" on:click=move |_| editing.set(None)>{tr(|s| s.cancel)}</button>
                <button type="button" class="btn btn-primary" on:click=save>{tr(|s| s.settings.save)}</button>
            </div>
        </form>
    }
}
