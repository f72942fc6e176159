import Foundation
import Testing
import MigshBase

@Suite("MigshBase threads, lock and file descriptors")
struct ConcurrencyTests {
    @Test func threadsRunAndTheLockExcludes() {
        let lock = Lock()
        final class Counter: @unchecked Sendable { var value = 0 }
        let counter = Counter()
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<4 {
            startThread(stackSize: 8 << 20) {
                for _ in 0..<10_000 { lock.lock(); counter.value += 1; lock.unlock() }
                done.signal()
            }
        }
        startThread {
            lock.withLock { counter.value += 1 }
            done.signal()
        }
        for _ in 0..<5 { done.wait() }
        #expect(counter.value == 40_001)
    }

    @Test func writeAllAndReadToEndCarryEveryByte() {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let text = String(repeating: "migsh é 👍\n", count: 50_000)
        startThread {
            #expect(writeAll(writeEnd, text))
            close(writeEnd)
        }
        let bytes = readToEnd(readEnd)
        close(readEnd)
        #expect(bytes == Array(text.utf8))
        #expect(writeAll(-1, "x") == false)
    }
}
