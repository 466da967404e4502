/// True when every byte is ASCII.
@inlinable @inline(__always) package func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var bits: UInt8 = 0
    for b in bytes { bits |= b }
    return bits < 0x80
}

/// ASCII white space as Unicode counts it: tab, line feed, vertical tab, form feed, carriage return, space.
@inlinable @inline(__always) package func isASCIISpace(_ b: UInt8) -> Bool {
    b == 0x20 || (b >= 0x09 && b <= 0x0D)
}
