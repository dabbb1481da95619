//! The three languages of hestat's texts: the official header labels, the rule texts, the
//! code labels and the report's pages and charts are all given in English, Russian and
//! Kazakh, in this order.

/// A language of the texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    En,
    Ru,
    Kk,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ru, Lang::Kk];

    /// ISO 639-1 code (`en`, `ru`, `kk`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Kk => "kk",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Its place in a triple of texts (EN, RU, KK).
    pub fn index(self) -> usize {
        self as usize
    }

    /// One of three texts (EN, RU, KK).
    pub fn pick<'a>(self, texts: [&'a str; 3]) -> &'a str {
        texts[self.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("de"), None);
        assert_eq!(Lang::Kk.pick(["a", "b", "c"]), "c");
    }
}
