using System.Xml;
using System.Xml.Schema;

namespace CnsExchange.Infrastructure.Payments.Files;

/// <summary>
/// The XSDs of the payment files, embedded from openapi/ (the published copies): the pain.001.001.09 subset
/// we emit and the return file. Compiled once; the writers check their own output against them.
/// </summary>
public static class PaymentFileSchemas
{
    public const string Pain001Namespace = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";
    public const string ReturnFileNamespace = "urn:cns-exchange:return-file:1";
    public const string Pain001ResourceName = "pain.001.001.09.subset.xsd";
    public const string ReturnFileResourceName = "return-file.xsd";

    // XmlSchemaSet does not promise thread safety and files are written by parallel background jobs:
    // each thread compiles its own (small, a few milliseconds once).
    private static readonly ThreadLocal<XmlSchemaSet> Pain001Set = new(() => Compile(Pain001ResourceName));
    private static readonly ThreadLocal<XmlSchemaSet> ReturnFileSet = new(() => Compile(ReturnFileResourceName));

    /// <summary>The compiled pain.001 subset schema (one instance per thread).</summary>
    public static XmlSchemaSet Pain001 => Pain001Set.Value!;

    /// <summary>The compiled return-file schema (one instance per thread).</summary>
    public static XmlSchemaSet ReturnFile => ReturnFileSet.Value!;

    /// <summary>The XSD as published (e.g. to serve it next to the files).</summary>
    public static Stream Open(string resourceName) =>
        typeof(PaymentFileSchemas).Assembly.GetManifestResourceStream(typeof(PaymentFileSchemas).Namespace + "." + resourceName)
        ?? throw new InvalidOperationException($"Embedded schema {resourceName} is missing.");

    /// <summary>
    /// The bytes of a file this system wrote, ended by a line break, once they match their XSD: a file that does not is
    /// an error of ours, never handed out (<paramref name="what"/> names the file in the message). Without
    /// <paramref name="schemas"/> the bytes are not checked (a rendering whose twin in another language was).
    /// </summary>
    public static byte[] Finish(MemoryStream written, XmlSchemaSet? schemas, string what)
    {
        written.WriteByte((byte)'\n');
        var bytes = written.ToArray();
        if (schemas is null) return bytes;
        var errors = Validate(bytes, schemas);
        return errors.Count == 0 ? bytes : throw new InvalidOperationException($"{what} does not match its XSD: " + string.Join(" ", errors));
    }

    /// <summary>Validates an XML document; returns the errors and warnings with their line numbers (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(byte[] xml, XmlSchemaSet schemas)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema,
            Schemas = schemas,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
        };
        settings.ValidationEventHandler += (_, e) =>
            errors.Add($"{e.Severity} at line {e.Exception.LineNumber}, position {e.Exception.LinePosition}: {e.Message}");
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(xml, writable: false), settings);
            while (reader.Read()) { }
        }
        catch (XmlException e)
        {
            errors.Add($"Not well-formed at line {e.LineNumber}, position {e.LinePosition}: {e.Message}");
        }
        return errors;
    }

    private static XmlSchemaSet Compile(string resourceName)
    {
        var set = new XmlSchemaSet { XmlResolver = null };
        using (var stream = Open(resourceName))
        using (var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }))
        {
            set.Add(null, reader);
        }
        set.Compile();
        return set;
    }
}
