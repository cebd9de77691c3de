import Foundation

/// The repository's `migrations/` directory, bundled with the build as a resource so that an
/// installed `buddi` carries its schema with it.
public enum BundledMigrations {
    /// Where the bundled `NNNN_name.sql` files are.
    public static var directory: String? {
        Bundle.module.resourceURL?.appendingPathComponent("migrations").path
    }
}
