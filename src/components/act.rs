//! What a button of the page does, as one type. Buttons carry it in `data-act` and the page's
//! one click listener (`row_events`) reads it back with [`Act::parse`]: one listener for the
//! whole page costs far less of the download than a handler per button, and every name the
//! DOM carries is known here. The views write theirs as literals (`data-act="retry"`): an
//! attribute computed in a `view!` is built at run time, about 3 KB of the download for these
//! seven; a test checks that every literal in the components names an action.

use std::borrow::Cow;

use crate::model::alerts::Sound;
use crate::model::filter::Channel;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// A comment's ⋯ button: its menu.
    Menu,
    /// The ⋯ beside the title (or a right-click on it): the page's menu.
    Title,
    /// The title: the domain filter on or off (only this site's comments).
    Domain,
    /// The colour button: open or close the colour grid.
    Palette,
    /// A swatch of the colour grid (its colour is in `data-colour`).
    Swatch,
    /// The video drawer: open or close it.
    Drawer,
    /// A comment's shared video (its key in `data-key`): open the drawer and play it.
    PlayVideo,
    /// An unsent post: send it again (same id).
    Retry,
    /// An unsent post: back into the composer.
    Edit,
    /// "n new messages ↓": back to the newest.
    Jump,
    /// "in reply to …": show the answered comment.
    ReplyTo,
    /// Leave the conversation link.
    Leave,
    /// Dismiss the notice.
    Dismiss,
    /// Read one channel (Human, AI, both).
    Channel(Channel),
    /// Turn the filters off or on, keeping them.
    ToggleFilters,
    /// Remove the filter chip at this index.
    RemoveChip(usize),
    /// An item of the open menu.
    Item(Item),
}

/// An item of a comment's menu or the title's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    Copy,
    Save,
    OnlyUser,
    BlockUser,
    /// Block the word the item shows.
    BlockWord,
    /// Report to the operator (the row events send it: it needs the network).
    Report,
    CopyAll,
    SaveAll,
    /// A filter chip's alert: this sound, or none (Silent).
    Alert(Option<Sound>),
}

const CHIP: &str = "chip:";

impl Act {
    /// The `data-act` value.
    pub fn attr(self) -> Cow<'static, str> {
        match self {
            Act::RemoveChip(i) => Cow::Owned(format!("{CHIP}{i}")),
            _ => Cow::Borrowed(self.name()),
        }
    }

    /// The `data-act` value of an action without data (a chip's is `attr`'s).
    const fn name(self) -> &'static str {
        match self {
            Act::Menu => "menu",
            Act::Title => "title",
            Act::Domain => "domain",
            Act::Palette => "palette",
            Act::Swatch => "swatch",
            Act::Drawer => "drawer",
            Act::PlayVideo => "play-video",
            Act::Retry => "retry",
            Act::Edit => "edit",
            Act::Jump => "jump",
            Act::ReplyTo => "reply-to",
            Act::Leave => "leave",
            Act::Dismiss => "dismiss",
            Act::Channel(Channel::Human) => "mt:human",
            Act::Channel(Channel::Ai) => "mt:AI",
            Act::Channel(Channel::All) => "mt:ALL",
            Act::ToggleFilters => "toggle",
            Act::RemoveChip(_) => CHIP,
            Act::Item(Item::Copy) => "m:copy",
            Act::Item(Item::Save) => "m:save",
            Act::Item(Item::OnlyUser) => "m:user",
            Act::Item(Item::BlockUser) => "m:-user",
            Act::Item(Item::BlockWord) => "m:-w",
            Act::Item(Item::Report) => "m:report",
            Act::Item(Item::CopyAll) => "m:copy-all",
            Act::Item(Item::SaveAll) => "m:save-all",
            Act::Item(Item::Alert(None)) => "m:a:Silent",
            Act::Item(Item::Alert(Some(Sound::Delightful))) => "m:a:Delightful",
            Act::Item(Item::Alert(Some(Sound::Gamer))) => "m:a:Gamer",
            Act::Item(Item::Alert(Some(Sound::Hello))) => "m:a:Hello",
            Act::Item(Item::Alert(Some(Sound::Horn))) => "m:a:Horn",
            Act::Item(Item::Alert(Some(Sound::Subtle))) => "m:a:Subtle",
        }
    }

    /// The action a `data-act` value names; none for anything else.
    pub fn parse(s: &str) -> Option<Act> {
        if let Some(c) = s.strip_prefix("mt:") {
            return Channel::parse(c).map(Act::Channel);
        }
        if let Some(sound) = s.strip_prefix("m:a:") {
            return match sound {
                "Silent" => Some(Act::Item(Item::Alert(None))),
                _ => Sound::parse(sound).map(|x| Act::Item(Item::Alert(Some(x)))),
            };
        }
        if let Some(i) = s.strip_prefix(CHIP) {
            return i.parse().ok().map(Act::RemoveChip);
        }
        Some(match s {
            "menu" => Act::Menu,
            "title" => Act::Title,
            "domain" => Act::Domain,
            "palette" => Act::Palette,
            "swatch" => Act::Swatch,
            "drawer" => Act::Drawer,
            "play-video" => Act::PlayVideo,
            "retry" => Act::Retry,
            "edit" => Act::Edit,
            "jump" => Act::Jump,
            "reply-to" => Act::ReplyTo,
            "leave" => Act::Leave,
            "dismiss" => Act::Dismiss,
            "toggle" => Act::ToggleFilters,
            "m:copy" => Act::Item(Item::Copy),
            "m:save" => Act::Item(Item::Save),
            "m:user" => Act::Item(Item::OnlyUser),
            "m:-user" => Act::Item(Item::BlockUser),
            "m:-w" => Act::Item(Item::BlockWord),
            "m:report" => Act::Item(Item::Report),
            "m:copy-all" => Act::Item(Item::CopyAll),
            "m:save-all" => Act::Item(Item::SaveAll),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_attribute() {
        let all = [
            Act::Menu,
            Act::Title,
            Act::Domain,
            Act::Palette,
            Act::Swatch,
            Act::Drawer,
            Act::PlayVideo,
            Act::Retry,
            Act::Edit,
            Act::Jump,
            Act::ReplyTo,
            Act::Leave,
            Act::Dismiss,
            Act::Channel(Channel::Human),
            Act::Channel(Channel::Ai),
            Act::Channel(Channel::All),
            Act::ToggleFilters,
            Act::RemoveChip(0),
            Act::RemoveChip(17),
            Act::Item(Item::Copy),
            Act::Item(Item::Save),
            Act::Item(Item::OnlyUser),
            Act::Item(Item::BlockUser),
            Act::Item(Item::BlockWord),
            Act::Item(Item::Report),
            Act::Item(Item::CopyAll),
            Act::Item(Item::SaveAll),
            Act::Item(Item::Alert(None)),
            Act::Item(Item::Alert(Some(Sound::Delightful))),
            Act::Item(Item::Alert(Some(Sound::Gamer))),
            Act::Item(Item::Alert(Some(Sound::Hello))),
            Act::Item(Item::Alert(Some(Sound::Horn))),
            Act::Item(Item::Alert(Some(Sound::Subtle))),
        ];
        let mut names: Vec<_> = all.iter().map(|a| a.attr()).collect();
        for a in all {
            assert_eq!(Act::parse(&a.attr()), Some(a), "{}", a.attr());
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len(), "no two actions share a name");
    }

    #[test]
    fn every_action_the_views_write_is_one() {
        let views = [
            include_str!("comments_stream.rs"),
            include_str!("composer.rs"),
            include_str!("message_list.rs"),
            include_str!("notice.rs"),
            include_str!("rows.rs"),
        ];
        let mut seen = Vec::new();
        // In a `view!` (`data-act="menu"`) or drawn by hand (`("data-act", "menu")`).
        for src in views {
            for pattern in ["data-act=\"", "(\"data-act\", \""] {
                for (_, rest) in src
                    .match_indices(pattern)
                    .map(|(i, _)| src.split_at(i + pattern.len()))
                {
                    let name = rest.split('"').next().unwrap_or_default();
                    seen.push(Act::parse(name).unwrap_or_else(|| panic!("{name:?} is no action")));
                }
            }
        }
        for a in [
            Act::Menu,
            Act::Title,
            Act::Domain,
            Act::Palette,
            Act::Drawer,
            Act::PlayVideo,
            Act::Retry,
            Act::Edit,
            Act::Jump,
            Act::ReplyTo,
            Act::Dismiss,
        ] {
            assert!(seen.contains(&a), "{a:?} has its button");
        }
    }

    #[test]
    fn anything_else_is_no_action() {
        for s in [
            "",
            "3",
            "chip:",
            "chip:x",
            "chip:-1",
            "mt:",
            "mt:robots",
            "m:",
            "m:a:",
            "m:a:Kazoo",
            "MENU",
        ] {
            assert_eq!(Act::parse(s), None, "{s:?}");
        }
    }
}
