/// The widths of the fixed-width records, in Unicode scalars with the record letter;
/// `docs/bank-files.md` lists every field.
enum FixedLayout {
    /// `H` · batch number 15 · office code 12 · value date 8 · period 6 · currency 3 · payer
    /// account 32 · payer BIC 11 · creation time 14.
    static let paymentHeaderWidth = 102
    /// `D` · sequence 7 · reference 20 · card number 19 · payee name 50 · amount 15.
    static let paymentDetailWidth = 112
    /// `H` · batch number 15 · bank code 12 · answer date 8.
    static let returnHeaderWidth = 36
    /// `R` · sequence 7 · reference 20 · amount 15 · status 1 · reason code 8.
    static let returnDetailWidth = 52
    /// `T` · line count 7 · sum 18: the same in both files.
    static let trailerWidth = 26

    static let headerLetter = UInt8(ascii: "H")
    static let paymentLetter = UInt8(ascii: "D")
    static let returnLetter = UInt8(ascii: "R")
    static let trailerLetter = UInt8(ascii: "T")
}
