import CTICore
import ClientConfig

/// Reads the configuration name from an export of a STARFACE module configuration.
///
/// Assumption (docs/doctor.md): no public description of STARFACE's export format was found,
/// so the export is taken to be an XML document (UTF-8) naming the configuration either in
/// the root element's `name` attribute or in the first `<name>` element (any prefix, any
/// case) in document order. The name is taken exactly as written (character references
/// decoded), so spaces and look-alikes survive. A ZIP archive is named as such.
enum ModuleExport {
    static let sizeLimit: Int64 = 16 * 1024 * 1024

    static func configurationName(in path: String) throws(CTIFailure) -> String {
        let bytes: [UInt8]
        do {
            bytes = try SafeFile.read(path, limit: sizeLimit)
        } catch {
            throw CTIFailure(error)
        }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw CTIFailure(.moduleExportUnreadable, "\(path): a ZIP archive; unpack it and pass the XML file of the module configuration with --module-export")
        }
        let root: MarkupElement
        do {
            root = try MarkupReader.document(bytes, source: path, depthLimit: 64)
        } catch {
            throw CTIFailure(.moduleExportUnreadable, "\(path): not a module configuration export (XML expected): \(error.message)")
        }
        if let attribute = root.attribute("name") { return attribute.value }
        if let element = firstNameElement(below: root) { return element.text }
        throw CTIFailure(.moduleExportUnreadable, "\(path): no configuration name found (neither a name attribute on <\(root.name)> nor a <name> element)")
    }

    /// The first `<name>` element in document order, without recursion.
    private static func firstNameElement(below root: MarkupElement) -> MarkupElement? {
        var pending = root.childElements.reversed() as [MarkupElement]
        while let element = pending.popLast() {
            let local = element.name.split(separator: ":").last.map(String.init) ?? element.name
            if local.lowercased() == "name" { return element }
            pending += element.childElements.reversed()
        }
        return nil
    }
}

extension ErrorCode {
    static let moduleExportUnreadable = ErrorCode("module.export-unreadable", .malformedInput)
}
