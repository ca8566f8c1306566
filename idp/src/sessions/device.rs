//! A session's device as a person recognises it — «Chrome на Windows 10» —
//! read from its `User-Agent` by `woothee` (the woothee project's shared
//! dataset), not the raw header.

/// The browser and the operating system, each when known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Device {
    pub browser: Option<String>,
    pub os: Option<String>,
}

/// What `user_agent` says of the device; nothing for a header no
/// browser sends (a script, a crawler).
pub fn device(user_agent: Option<&str>) -> Device {
    let Some(parsed) = user_agent.and_then(|ua| woothee::parser::Parser::new().parse(ua)) else {
        return Device::default();
    };
    let known = |value: &str| {
        (!value.is_empty() && value != woothee::woothee::VALUE_UNKNOWN).then(|| value.to_owned())
    };
    match parsed.category {
        "pc" | "smartphone" | "mobilephone" | "appliance" => Device {
            browser: known(parsed.name),
            os: known(parsed.os),
        },
        _ => Device::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(browser: &str, os: &str) -> Device {
        Device {
            browser: Some(browser.into()),
            os: Some(os.into()),
        }
    }

    #[test]
    fn browsers_are_named_with_their_system() {
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
        assert_eq!(device(Some(chrome)), named("Chrome", "Windows 10"));
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
        assert_eq!(device(Some(iphone)), named("Safari", "iPhone"));
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
        assert_eq!(device(Some(firefox)), named("Firefox", "Linux"));
        for other in [None, Some(""), Some("curl/8.5.0"), Some("Googlebot/2.1")] {
            assert_eq!(device(other).browser, None, "{other:?}");
        }
    }
}
