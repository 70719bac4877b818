//! What the browser tells about the device: network, storage, time, randomness, the build.

use js_sys::{Date, Promise};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Storage used and the quota the browser grants, in bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub usage: u64,
    pub quota: u64,
}

fn navigator() -> Option<web_sys::Navigator> {
    web_sys::window().map(|w| w.navigator())
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    // `navigator.storage` is missing on insecure origins and old browsers: check before use.
    let nav = navigator()?;
    let value = js_sys::Reflect::get(&nav, &"storage".into()).ok()?;
    value.dyn_into::<web_sys::StorageManager>().ok()
}

pub fn is_online() -> bool {
    navigator().is_none_or(|n| n.on_line())
}

pub async fn estimate() -> Option<Estimate> {
    let promise = storage_manager()?.estimate().ok()?;
    let value = JsFuture::from(promise).await.ok()?;
    let est: web_sys::StorageEstimate = value.unchecked_into();
    Some(Estimate { usage: est.get_usage().unwrap_or(0.0) as u64, quota: est.get_quota()? as u64 })
}

async fn bool_promise(p: Result<Promise, wasm_bindgen::JsValue>) -> Option<bool> {
    JsFuture::from(p.ok()?).await.ok()?.as_bool()
}

/// Whether the browser has granted persistent storage; `None` when it does not say.
pub async fn persisted() -> Option<bool> {
    bool_promise(storage_manager()?.persisted()).await
}

/// Asks for persistent storage; `None` when the browser has no such request.
pub async fn request_persist() -> Option<bool> {
    bool_promise(storage_manager()?.persist()).await
}

/// The current time as RFC 3339 UTC with milliseconds.
pub fn now_iso() -> String {
    Date::new_0().to_iso_string().into()
}

/// 16 bytes from the browser's cryptographic random source.
pub fn random_16() -> Option<[u8; 16]> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let mut bytes = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(bytes)
}

/// The build id stamped into index.html at build time ("dev" when unstamped).
pub fn build_id() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name='pryiom-build']").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_else(|| "dev".into())
}

pub fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Local date and time for a datetime-local input: "2026-11-25T10:42".
pub fn now_local() -> String {
    let d = Date::new_0();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// Today's local date.
pub fn today() -> crate::domain::date::Date {
    let d = Date::new_0();
    // Days since 1970-01-01 of the local clock: always a date (no fallback to a fixed day).
    let local_ms = d.get_time() - d.get_timezone_offset() * 60_000.0;
    crate::domain::date::Date::from_days((local_ms / 86_400_000.0).floor() as i64)
}

/// "28.11.2026 10:42:05" of an RFC 3339 time, in local time (empty when it is not one).
pub fn local_when(iso: &str) -> String {
    let d = Date::new(&iso.into());
    if d.get_time().is_nan() {
        return String::new();
    }
    format!(
        "{:02}.{:02}.{:04} {:02}:{:02}:{:02}",
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// "10:42" of an RFC 3339 time, in local time.
pub fn local_time_of(iso: &str) -> String {
    let d = Date::new(&iso.into());
    if d.get_time().is_nan() {
        return String::new();
    }
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// The browser did not offer a file for download (no blob support, no document): shown to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadFailed;

/// Offers `text` as a file download (a blob URL of this origin; nothing leaves the device). Handed over as its
/// UTF-8 bytes, what the file holds: made a JS string first, a 16 MB batch cost 0.17 s of decoding for nothing.
#[must_use = "a failed download must be shown to the user"]
pub fn download(filename: &str, mime: &str, text: &str) -> Result<(), DownloadFailed> {
    download_bytes(filename, mime, text.as_bytes())
}

/// Offers `bytes` as a file download (a sealed export file).
#[must_use = "a failed download must be shown to the user"]
pub fn download_bytes(filename: &str, mime: &str, bytes: &[u8]) -> Result<(), DownloadFailed> {
    offer_blob(filename, mime, &js_sys::Array::of1(&js_sys::Uint8Array::from(bytes)))
}

fn offer_blob(filename: &str, mime: &str, parts: &js_sys::Array) -> Result<(), DownloadFailed> {
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_buffer_source_sequence_and_options(parts, &opts).map_err(|_| DownloadFailed)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| DownloadFailed)?;
    let ok = (|| {
        let doc = web_sys::window()?.document()?;
        let a: web_sys::HtmlAnchorElement = doc.create_element("a").ok()?.dyn_into().ok()?;
        a.set_href(&url);
        a.set_download(filename);
        doc.body()?.append_child(&a).ok()?;
        a.click();
        a.remove();
        Some(())
    })()
    .is_some();
    let _ = web_sys::Url::revoke_object_url(&url);
    if ok {
        Ok(())
    } else {
        Err(DownloadFailed)
    }
}

/// The file chosen in a file input; the input is cleared so that choosing the same file again is noticed.
pub fn chosen_file(ev: &web_sys::Event) -> Option<web_sys::File> {
    let input = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0)?;
    input.set_value("");
    Some(file)
}

/// A chosen file's text; `None` when the browser could not read it (the file was removed, the stick pulled out).
pub async fn file_text(file: web_sys::File) -> Option<String> {
    wasm_bindgen_futures::JsFuture::from(file.text()).await.ok()?.as_string()
}

/// The bytes of a chosen file (`None` when it cannot be read).
pub async fn file_bytes(file: web_sys::File) -> Option<Vec<u8>> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

pub fn print() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// Lets the browser handle input and paint before long work goes on.
pub async fn yield_now() {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Long work cut into pieces of about [`Pieces::MS`] each: [`Pieces::pause`] lets the browser paint and handle input
/// once a piece has run that long (a long task over 50 ms is a screen that does not answer).
pub struct Pieces {
    started: f64,
    calls: u32,
}

impl Pieces {
    pub const MS: f64 = 30.0;

    pub fn new() -> Self {
        Pieces { started: js_sys::Date::now(), calls: 0 }
    }

    /// Call between steps of the work: returns at once until the piece has run its time.
    pub async fn pause(&mut self) {
        self.calls += 1;
        // The clock is asked every few steps (each ask is a call into the browser).
        if self.calls % 16 != 0 || js_sys::Date::now() - self.started < Self::MS {
            return;
        }
        yield_now().await;
        self.started = js_sys::Date::now();
    }

    /// [`Self::pause`] between larger steps: the clock is asked at each.
    pub async fn pause_every_call(&mut self) {
        if js_sys::Date::now() - self.started < Self::MS {
            return;
        }
        yield_now().await;
        self.started = js_sys::Date::now();
    }
}

impl Default for Pieces {
    fn default() -> Self {
        Self::new()
    }
}

/// The text of a file of the app's own origin (served by the service worker when offline).
pub async fn fetch_text(path: &str) -> Option<String> {
    let w = web_sys::window()?;
    let resp: web_sys::Response = JsFuture::from(w.fetch_with_str(path)).await.ok()?.dyn_into().ok()?;
    if !resp.ok() {
        return None;
    }
    JsFuture::from(resp.text().ok()?).await.ok()?.as_string()
}

/// An answer from the app's own origin (the centre server): its status, `Retry-After`, and body.
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
}

/// POSTs `body` to a path of the app's own origin (the only origin the app talks to). `None` when no answer came:
/// offline, or the connection failed.
pub async fn post(path: &str, headers: &[(&str, String)], body: &[u8]) -> Option<Answer> {
    request("POST", path, headers, Some(body)).await
}

/// GETs a path of the app's own origin, past every cache. `None` when no answer came.
pub async fn get(path: &str, headers: &[(&str, String)]) -> Option<Answer> {
    request("GET", path, headers, None).await
}

async fn request(method: &str, path: &str, headers: &[(&str, String)], body: Option<&[u8]>) -> Option<Answer> {
    let w = web_sys::window()?;
    let h = web_sys::Headers::new().ok()?;
    for (name, value) in headers {
        h.set(name, value).ok()?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_headers(&h);
    // No cookie or cache: every request reaches the centre itself.
    init.set_cache(web_sys::RequestCache::NoStore);
    if let Some(body) = body {
        init.set_body(&js_sys::Uint8Array::from(body));
    }
    let resp: web_sys::Response = JsFuture::from(w.fetch_with_str_and_init(path, &init)).await.ok()?.dyn_into().ok()?;
    let retry_after = resp.headers().get("retry-after").ok().flatten();
    let buf = JsFuture::from(resp.array_buffer().ok()?).await.ok()?;
    Some(Answer { status: resp.status(), retry_after, body: js_sys::Uint8Array::new(&buf).to_vec() })
}
