//! The cabinet against a real provider: `idp serve --demo` started from
//! the workspace's `target/` on a free port with a data directory of its
//! own, over loopback HTTP, as any portal meets it.
//!
//! - `callback`: the callback's validation without a browser;
//! - `backchannel`: back-channel logout from the provider;
//! - `refresh`: tokens refreshed before they expire, and a refused refresh;
//! - `browser`: end to end in headless Chromium through chromedriver;
//! - `esia`: the same in ESIA's dialect (`--protocol esia`);
//! - `provider_pages`: the provider's own pages in Chromium, both languages.

mod backchannel;
mod browser;
mod callback;
mod esia;
mod harness;
mod provider_pages;
mod refresh;
