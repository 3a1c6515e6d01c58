//! Every message and hint the importer writes, as one table of (Japanese,
//! English) pairs, so that a site-wide message catalogue can take them over
//! whole. `{0}`, `{1}`… are filled in order; field names and values stay as
//! they are in both languages (SPEC §3).

use crate::language::Language;

/// The importer's messages in a [`Language`]: the one given on the command
/// line, else the site's own (SPEC §3).
pub trait Catalogue {
    /// `message` with `{0}`, `{1}`… filled from `args`.
    fn text(self, message: Message, args: &[&str]) -> String;
    /// Names listed in a hint: `南区、瀬谷区` or `南区, 瀬谷区`.
    fn list<'a>(self, items: impl IntoIterator<Item = &'a str>) -> String;
}

impl Catalogue for Language {
    fn text(self, message: Message, args: &[&str]) -> String {
        let (ja, en) = message.pair();
        let mut text = self.pick(ja, en).to_owned();
        for (i, arg) in args.iter().enumerate() {
            text = text.replace(&format!("{{{i}}}"), arg);
        }
        text
    }

    fn list<'a>(self, items: impl IntoIterator<Item = &'a str>) -> String {
        let separator = self.pick("、", ", ");
        items.into_iter().collect::<Vec<_>>().join(separator)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    CannotRead,
    NotEncoded,
    NotEncodedHint,
    UnknownFileType,
    UnknownFileTypeHint,
    BadCsv,
    NoSuchSheet,
    SheetsAre,
    DidYouMean,
    EmptyFile,
    BadMap,
    UnknownTarget,
    TargetsAre,
    NoSuchColumn,
    ColumnsAre,
    NoTitleColumn,
    NotADate,
    DateExamples,
    NotAFiscalYear,
    FiscalYearExamples,
    FiscalYearRange,
    NotAnAmount,
    AmountExamples,
    NotANumber,
    NumberExamples,
    NotAStatus,
    StatusExamples,
    NotABool,
    BoolExamples,
    BadSlug,
    SlugExamples,
    Missing,
    MissingHint,
    Disagree,
    DisagreeHint,
    UnknownScheme,
    UnknownSchemeHint,
    UnknownWard,
    WardsAre,
    UnknownSupportType,
    SupportTypesAre,
    NotOpenData,
    NotOpenDataHint,
    NoCaseRow,
    NoCaseRowHint,
    Exists,
    ExistsHint,
    Invalid,
    CannotWrite,
    Wrote,
    WouldWrite,
    Created,
    Updated,
    TableHeader,
}

impl Message {
    /// (Japanese, English).
    fn pair(self) -> (&'static str, &'static str) {
        use Message::*;
        match self {
            CannotRead => ("ファイルを読めません: {0}", "cannot read the file: {0}"),
            NotEncoded => (
                "文字コードを判別できません（UTF-8 でも Shift_JIS でもありません）",
                "the file is neither UTF-8 nor Shift_JIS text",
            ),
            NotEncodedHint => (
                "Excel の「CSV UTF-8」で保存し直すか、--encoding で文字コードを指定してください",
                "save it again as \"CSV UTF-8\", or name its encoding with --encoding",
            ),
            UnknownFileType => (
                "読み込めない種類のファイルです",
                "cannot import this kind of file",
            ),
            UnknownFileTypeHint => (
                "読み込めるのは .csv、.xlsx、.xls、.ods です",
                "casebook imports .csv, .xlsx, .xls and .ods files",
            ),
            BadCsv => ("CSV として読めません: {0}", "not a readable CSV file: {0}"),
            NoSuchSheet => (
                "シート「{0}」がありません",
                "the workbook has no sheet `{0}`",
            ),
            SheetsAre => ("このブックのシート: {0}", "its sheets: {0}"),
            DidYouMean => ("「{0}」の誤りではありませんか", "did you mean `{0}`?"),
            EmptyFile => ("シートがありません", "the workbook has no sheets"),
            BadMap => (
                "対応表（--map）を読めません: {0}",
                "cannot read the --map file: {0}",
            ),
            UnknownTarget => (
                "`{0}` は事例の項目ではありません",
                "`{0}` is not a case field",
            ),
            TargetsAre => ("使える項目: {0}", "the fields are: {0}"),
            NoSuchColumn => (
                "列「{0}」が見出し行にありません",
                "the header row has no column `{0}`",
            ),
            ColumnsAre => ("見出し行の列: {0}", "the header row has: {0}"),
            NoTitleColumn => (
                "slug の列がなく、title の列もないため、事例を見分けられません",
                "no slug column and no title column: cases cannot be told apart",
            ),
            NotADate => ("{0} は日付として読めません", "`{0}` is not a date"),
            DateExamples => (
                "例: 令和元年5月1日、R1.5.1、2019/5/1、2019-05-01",
                "write it like 2019-05-01, 2019/5/1, 令和元年5月1日 or R1.5.1",
            ),
            NotAFiscalYear => ("{0} は年度として読めません", "`{0}` is not a fiscal year"),
            FiscalYearExamples => (
                "例: 令和元年度、R1、H30、平成30年度、2019",
                "write it like 2019, 令和元年度, R1, H30 or 平成30年度",
            ),
            FiscalYearRange => (
                "{0} 年度は 1989〜2100 年度の範囲にありません",
                "fiscal year {0} is not within 1989–2100",
            ),
            NotAnAmount => (
                "{0} は金額として読めません",
                "`{0}` is not an amount of yen",
            ),
            AmountExamples => (
                "例: 500万円、1,234,567円、５００万、5000000（0円以上の整数）",
                "write it like 5000000, 1,234,567円 or 500万円 (whole yen, not negative)",
            ),
            NotANumber => ("{0} は数値として読めません", "`{0}` is not a number"),
            NumberExamples => ("例: 320、12.5、-3", "write it like 320, 12.5 or -3"),
            NotAStatus => ("{0} は状況として読めません", "`{0}` is not a status"),
            StatusExamples => (
                "計画中・実施中・完了（planned・in-progress・completed）のいずれかです",
                "one of planned, in-progress, completed (計画中, 実施中, 完了)",
            ),
            NotABool => (
                "{0} は「はい／いいえ」として読めません",
                "`{0}` is not true or false",
            ),
            BoolExamples => (
                "true・false、はい・いいえ のいずれかです",
                "one of true, false (はい, いいえ)",
            ),
            BadSlug => (
                "slug「{0}」には英小文字・数字・ハイフンしか使えません",
                "slug `{0}` may hold only lowercase letters, digits and `-`",
            ),
            SlugExamples => ("例: nakamura-hub", "for example nakamura-hub"),
            Missing => (
                "事例 {0} に必須の項目 `{1}` がありません",
                "case `{0}` has no `{1}`, which is required",
            ),
            MissingHint => (
                "この行の {0} の列に値を入れてください",
                "fill in the {0} column of this row",
            ),
            Disagree => (
                "同じ事例 {0} の行なのに `{1}` が {2} 行目と違います",
                "rows of case `{0}` disagree on `{1}` with row {2}",
            ),
            DisagreeHint => (
                "同じ事例の行では、制度・金額・年度以外の値をそろえてください（{0} 行目は「{1}」）",
                "rows of one case may differ only in their funding columns (row {0} has `{1}`)",
            ),
            UnknownScheme => (
                "助成制度「{0}」は content/funding/ にありません",
                "unknown funding scheme `{0}`",
            ),
            UnknownSchemeHint => (
                "content/funding/ に name がこの名前のファイルを作るか、名前を直してください",
                "the scheme needs a file in content/funding/ whose `name` is exactly this",
            ),
            UnknownWard => (
                "区「{0}」は content/districts/ にありません",
                "unknown ward `{0}`",
            ),
            WardsAre => (
                "content/districts/ にある区: {0}",
                "wards declared in content/districts/: {0}",
            ),
            UnknownSupportType => (
                "支援の型「{0}」は casebook.yaml の support_types にありません",
                "support type `{0}` is not one of casebook.yaml's support_types",
            ),
            SupportTypesAre => ("使える支援の型: {0}", "the support types are: {0}"),
            NotOpenData => (
                "{0} はこのサイトのオープンデータのファイル名ではありません",
                "`{0}` is not one of the site's open data files",
            ),
            NotOpenDataHint => (
                "cases.csv・funding.csv・outcomes.csv・themes.csv・partners.csv・sources.csv を指定するか、--map で列の対応を指定してください",
                "give cases.csv, funding.csv, outcomes.csv, themes.csv, partners.csv or sources.csv, or map your own columns with --map",
            ),
            NoCaseRow => (
                "事例 {0} が cases.csv にも content/cases/ にもありません",
                "case `{0}` is neither in cases.csv nor in content/cases/",
            ),
            NoCaseRowHint => (
                "cases.csv を一緒に指定してください",
                "give its cases.csv in the same command",
            ),
            Exists => ("{0} はすでにあります", "{0} already exists"),
            ExistsHint => (
                "上書きするには --update を付けてください（本文と、表にない項目はそのまま残ります）",
                "add --update to rewrite the fields the sheet holds (the body and the other fields are kept)",
            ),
            Invalid => (
                "書き出す事例 {0} が検査を通りません: {1}",
                "case `{0}` would not pass `casebook check`: {1}",
            ),
            CannotWrite => ("書き込めません: {0}", "cannot write: {0}"),
            Wrote => ("{0} 件の事例を書き出しました", "wrote {0} case(s)"),
            WouldWrite => (
                "{0} 件の事例を書き出します（--dry-run のため書き出していません）",
                "would write {0} case(s) (--dry-run: nothing written)",
            ),
            Created => ("新規", "create"),
            Updated => ("更新", "update"),
            TableHeader => (
                "処理\tファイル\t事例名\t区/地区\t公開日\t状況\t助成",
                "action\tfile\ttitle\tdistrict\tpublished\tstatus\tgrants",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_fill_in_order_in_both_languages() {
        for (lang, expected) in [
            (Language::Japanese, "R1.13.1 は日付として読めません"),
            (Language::English, "`R1.13.1` is not a date"),
        ] {
            assert_eq!(lang.text(Message::NotADate, &["R1.13.1"]), expected);
        }
    }
}
