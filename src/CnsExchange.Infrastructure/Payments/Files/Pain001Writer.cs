using System.Globalization;
using System.Xml;
using CnsExchange.Application.Features.PaymentRuns.Files;
using static CnsExchange.Infrastructure.Payments.Files.PaymentFileFormatting;

namespace CnsExchange.Infrastructure.Payments.Files;

/// <summary>
/// ISO 20022 pain.001.001.09 CustomerCreditTransferInitiation for one payment run (PAY-04): a group header
/// with count and control sum, one payment information block (SEPA, CNS as debtor, charges SLEV) and one
/// credit transfer per provider order. Only elements of openapi/pain.001.001.09.subset.xsd are written, in
/// the order of the message definition; the output is checked against that XSD before it is returned.
/// </summary>
public sealed class Pain001Writer : IPain001Writer
{
    public GeneratedFile Write(PaymentRunFile run)
    {
        ArgumentNullException.ThrowIfNull(run);
        run.EnsureValid();

        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, XmlSettings()))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("Document", PaymentFileSchemas.Pain001Namespace);
            xml.WriteStartElement("CstmrCdtTrfInitn");

            xml.WriteStartElement("GrpHdr");
            xml.WriteElementString("MsgId", run.MessageId);
            xml.WriteElementString("CreDtTm", Instant(run.CreatedAt));
            xml.WriteElementString("NbOfTxs", run.NumberOfTransactions.ToString(CultureInfo.InvariantCulture));
            xml.WriteElementString("CtrlSum", Amount(run.ControlSum));
            WriteParty(xml, "InitgPty", run.Debtor.Name);
            xml.WriteEndElement();

            xml.WriteStartElement("PmtInf");
            xml.WriteElementString("PmtInfId", run.PaymentInformationId);
            xml.WriteElementString("PmtMtd", "TRF");
            xml.WriteElementString("NbOfTxs", run.NumberOfTransactions.ToString(CultureInfo.InvariantCulture));
            xml.WriteElementString("CtrlSum", Amount(run.ControlSum));
            xml.WriteStartElement("PmtTpInf");
            xml.WriteStartElement("SvcLvl");
            xml.WriteElementString("Cd", "SEPA");
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteStartElement("ReqdExctnDt");
            xml.WriteElementString("Dt", Date(run.ExecutionDate));
            xml.WriteEndElement();
            WriteParty(xml, "Dbtr", run.Debtor.Name);
            WriteAccount(xml, "DbtrAcct", run.Debtor.Iban);
            WriteAgent(xml, "DbtrAgt", run.Debtor.Bic);
            xml.WriteElementString("ChrgBr", "SLEV");

            foreach (var order in run.Orders)
            {
                xml.WriteStartElement("CdtTrfTxInf");
                xml.WriteStartElement("PmtId");
                xml.WriteElementString("EndToEndId", order.EndToEndId);
                xml.WriteEndElement();
                xml.WriteStartElement("Amt");
                xml.WriteStartElement("InstdAmt");
                xml.WriteAttributeString("Ccy", "EUR");
                xml.WriteString(Amount(order.Amount));
                xml.WriteEndElement();
                xml.WriteEndElement();
                WriteAgent(xml, "CdtrAgt", order.Bic);
                // A creditor's name may have no character SEPA carries (PAY-04 still pays it): its code names it then.
                WriteParty(xml, "Cdtr", order.ProviderName, fallback: order.ProviderCode);
                WriteAccount(xml, "CdtrAcct", order.Iban);
                xml.WriteStartElement("RmtInf");
                xml.WriteElementString("Ustrd", SepaText.Clean(order.RemittanceText, SepaText.RemittanceLength));
                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            xml.WriteEndElement(); // PmtInf
            xml.WriteEndElement(); // CstmrCdtTrfInitn
            xml.WriteEndElement(); // Document
            xml.WriteEndDocument();
        }
        var bytes = PaymentFileSchemas.Finish(buffer, PaymentFileSchemas.Pain001, $"The pain.001 file of run {run.RunNumber}");
        return new GeneratedFile($"pain.001-{FileNamePart(run.RunNumber)}.xml", "application/xml", bytes);
    }

    private static void WriteParty(XmlWriter xml, string element, string name, string? fallback = null)
    {
        xml.WriteStartElement(element);
        xml.WriteElementString("Nm", fallback is null ? SepaText.Clean(name, SepaText.NameLength) : SepaText.CleanOr(name, SepaText.NameLength, fallback));
        xml.WriteEndElement();
    }

    private static void WriteAccount(XmlWriter xml, string element, string iban)
    {
        xml.WriteStartElement(element);
        xml.WriteStartElement("Id");
        xml.WriteElementString("IBAN", NormalizeIban(iban));
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteAgent(XmlWriter xml, string element, string bic)
    {
        xml.WriteStartElement(element);
        xml.WriteStartElement("FinInstnId");
        xml.WriteElementString("BICFI", bic);
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    /// <summary>Electronic format of an IBAN: no spaces, upper case.</summary>
    private static string NormalizeIban(string iban) => iban.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
}
