import FoundationEssentials
import Glibc
import MigshBase

/// What `errorDescription` said for the CocoaError FileManager threw for this `errno`, so a
/// message stays as it was where a FileManager call became a `FileSystem` one
/// (FoundationEssentials maps `errno` to the code as in CocoaError+FilePath.swift).
func errorDescription(_ error: FileSystemError, reading: Bool) -> String {
    let code: Int
    switch (reading, error.errno) {
    case (true, EFBIG): code = 263
    case (true, ENOENT): code = 260
    case (true, EPERM), (true, EACCES): code = 257
    case (true, ENAMETOOLONG): code = 258
    case (true, _): code = 256
    case (false, ENOENT): code = 4
    case (false, EPERM), (false, EACCES): code = 513
    case (false, ENAMETOOLONG): code = 514
    case (false, EDQUOT), (false, ENOSPC): code = 640
    case (false, EROFS): code = 642
    case (false, EEXIST): code = 516
    case (false, _): code = 512
    }
    return errorDescription(CocoaError(CocoaError.Code(rawValue: code)))
}
