/// A person's gender as the citizen ID number encodes it (GB 11643-1999: an odd sequence code is
/// male, an even one female).
public enum Gender: String, Sendable, Hashable, CaseIterable, Codable {
    case male
    case female
}
