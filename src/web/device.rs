//! This device's settings (id, label, worker, retention period): read from IndexedDB ONCE at start (made, with a new
//! device id, on the first start), kept in [`Ctx::device`], and changed only through [`save`], which writes the store
//! first and then the copy every screen reads.

use leptos::prelude::*;

use crate::domain::device::{DeviceSettings, DEVICE_SETTINGS_ID};
use crate::storage::{self, StoreError, StoreResult};

use super::app::{new_id, Ctx};
use super::app_store::AppStore;
use super::platform;

/// The stored settings, or new ones (with a new device id) saved now.
pub async fn load_or_create(store: &AppStore) -> StoreResult<DeviceSettings> {
    if let Some(d) = storage::load::<DeviceSettings>(store, DEVICE_SETTINGS_ID).await? {
        return Ok(d);
    }
    let d = DeviceSettings::new(new_id()?);
    storage::save(store, &d, &platform::now_iso()).await?;
    Ok(d)
}

/// The days the working-day deadlines skip (public holidays, when Settings say they are observed).
pub fn days_off(ctx: Ctx) -> Vec<crate::domain::date::Date> {
    ctx.device.with(|d| d.as_ref().map(DeviceSettings::days_off).unwrap_or_default())
}

/// The settings in use; an error when storage has not opened (there are none to change then).
pub fn current(ctx: Ctx) -> Result<DeviceSettings, StoreError> {
    ctx.store_or_err()?;
    ctx.device.get_untracked().ok_or(StoreError::Unavailable { detail: "device settings not loaded".into() })
}

/// Saves changed settings, then shows them everywhere.
pub async fn save(ctx: Ctx, next: DeviceSettings) -> StoreResult<()> {
    let store = ctx.store_or_err()?;
    storage::save(&store, &next, &platform::now_iso()).await?;
    ctx.device.try_set(Some(next));
    Ok(())
}
