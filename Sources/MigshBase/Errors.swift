import FoundationEssentials

/// `error.localizedDescription` as full Foundation spelled it on Linux for the errors
/// FileManager throws: `The operation could not be completed. ` and the reason it knew (a
/// missing file, no permission), else the domain and code.
package func errorDescription(_ error: any Error) -> String {
    let prefix = "The operation could not be completed. "
    guard let cocoa = error as? CocoaError else { return prefix + "(\(String(describing: type(of: error))) error \(String(describing: error)).)" }
    switch cocoa.code.rawValue {
    case 4, 260: return prefix + "The file doesn’t exist."
    case 257, 513: return prefix + "You don’t have permission."
    default: return prefix + "(NSCocoaErrorDomain error \(cocoa.code.rawValue).)"
    }
}

/// A file's size from `FileManager.attributesOfItem(atPath:)[.size]`: FoundationEssentials
/// gives a `UInt` where full Foundation gave an NSNumber that `as? Int` read.
package func fileSizeAttribute(_ value: Any?) -> Int? {
    switch value {
    case let n as UInt: return Int(exactly: n)
    case let n as Int: return n
    case let n as UInt64: return Int(exactly: n)
    case let n as Int64: return Int(exactly: n)
    default: return nil
    }
}
