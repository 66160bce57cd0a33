//! Finding a vendor row's account: by alias, account_id or name, compared case- and
//! width-insensitively, and by the domain of an email address.

use std::collections::HashMap;

use crate::text::fold;

pub struct Matcher {
    aliases: HashMap<String, String>,
    ids: HashMap<String, String>,
    names: HashMap<String, String>,
    /// Names two or more accounts share, with their ids: a row naming one is ambiguous.
    shared_names: HashMap<String, Vec<String>>,
}

impl Matcher {
    /// `accounts` are (account_id, name); `aliases` are (source value, account_id).
    pub fn new(accounts: &[(String, String)], aliases: &[(String, String)]) -> Matcher {
        let mut ids = HashMap::new();
        let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
        for (id, name) in accounts {
            ids.insert(fold(id), id.clone());
            by_name.entry(fold(name)).or_default().push(id.clone());
        }
        // Two accounts with one name: the name alone cannot tell them apart.
        let (unique, shared): (HashMap<_, _>, HashMap<_, _>) =
            by_name.into_iter().partition(|(_, ids)| ids.len() == 1);
        let names = unique
            .into_iter()
            .map(|(name, mut ids)| (name, ids.remove(0)))
            .collect();
        let shared_names = shared
            .into_iter()
            .map(|(name, mut ids)| {
                ids.sort();
                (name, ids)
            })
            .collect();
        let aliases = aliases
            .iter()
            .map(|(value, id)| (fold(value), id.clone()))
            .collect();
        Matcher {
            aliases,
            ids,
            names,
            shared_names,
        }
    }

    /// The accounts that share the name `value` (when it names no account by alias or id).
    pub fn sharing_name(&self, value: &str) -> Option<&[String]> {
        self.shared_names.get(&fold(value)).map(Vec::as_slice)
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The account a source value names: an alias first (the mapping file is the CSM's word),
    /// then an account_id, then a name; for an email address, also its domain.
    pub fn find(&self, value: &str) -> Option<&str> {
        let key = fold(value);
        if key.is_empty() {
            return None;
        }
        let direct = self
            .aliases
            .get(&key)
            .or_else(|| self.ids.get(&key))
            .or_else(|| self.names.get(&key));
        if let Some(id) = direct {
            return Some(id);
        }
        let (_, domain) = key.rsplit_once('@')?;
        self.aliases
            .get(domain)
            .or_else(|| self.ids.get(domain))
            .or_else(|| self.names.get(domain))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        let accounts = [
            ("A-1".to_owned(), "株式会社アクメ".to_owned()),
            ("A-2".to_owned(), "Globex  Corp".to_owned()),
            ("A-3".to_owned(), "Twin".to_owned()),
            ("A-4".to_owned(), "twin".to_owned()),
        ];
        Matcher::new(&accounts, &[("globex.com".to_owned(), "A-2".to_owned())])
    }

    #[test]
    fn case_width_and_spacing_do_not_matter() {
        let m = matcher();
        assert_eq!(m.find("a-1"), Some("A-1"));
        assert_eq!(
            m.find("Ａ－１"),
            Some("A-1"),
            "full-width letters, digits and hyphen"
        );
        assert_eq!(m.find("株式会社ｱｸﾒ"), Some("A-1"), "half-width katakana");
        assert_eq!(m.find(" GLOBEX CORP "), Some("A-2"));
        assert_eq!(
            m.find("ＧＬＯＢＥＸ　Ｃｏｒｐ"),
            Some("A-2"),
            "full-width letters and space"
        );
    }

    #[test]
    fn email_addresses_match_by_domain_through_aliases() {
        let m = matcher();
        assert_eq!(m.find("taro@Globex.com"), Some("A-2"));
        assert_eq!(m.find("someone@elsewhere.org"), None);
    }

    #[test]
    fn an_ambiguous_name_matches_nothing() {
        let m = matcher();
        assert_eq!(m.find("TWIN"), None);
        assert_eq!(
            m.sharing_name("TWIN"),
            Some(&["A-3".to_owned(), "A-4".to_owned()][..])
        );
        assert_eq!(m.find("A-3"), Some("A-3"));
    }
}
