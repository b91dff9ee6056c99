/// The built-in type OIDs this layer encodes and decodes (`pg_type.oid`, fixed since forever).
public enum PostgresTypeOID {
    public static let unspecified: UInt32 = 0
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let char: UInt32 = 18
    public static let name: UInt32 = 19
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let oid: UInt32 = 26
    public static let json: UInt32 = 114
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    public static let unknown: UInt32 = 705
    public static let int2Array: UInt32 = 1005
    public static let int4Array: UInt32 = 1007
    public static let textArray: UInt32 = 1009
    public static let varcharArray: UInt32 = 1015
    public static let int8Array: UInt32 = 1016
    public static let bpchar: UInt32 = 1042
    public static let varchar: UInt32 = 1043
    public static let date: UInt32 = 1082
    public static let timestamp: UInt32 = 1114
    public static let timestamptz: UInt32 = 1184
    public static let numeric: UInt32 = 1700
    public static let uuid: UInt32 = 2950
    public static let jsonb: UInt32 = 3802

    static let integers: Set<UInt32> = [int2, int4, int8, oid]
}

/// How a bind parameter travels to the server.
public enum PostgresFormat: Int32, Sendable {
    /// As text, parsed by the type's input function.
    case text = 0
    /// In the type's binary form.
    case binary = 1
}
