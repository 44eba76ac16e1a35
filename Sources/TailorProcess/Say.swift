import Foundation

/// Prints and flushes at once, so the launcher's lines show up in order with the
/// children's even when standard output is a file or a pipe.
package func say(_ text: String) {
    print(text)
    fflush(nil)
}
