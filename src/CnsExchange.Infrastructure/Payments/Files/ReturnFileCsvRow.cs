using CsvHelper;

namespace CnsExchange.Infrastructure.Payments.Files;

/// <summary>
/// One record of the CSV return file (docs/payment-files.md). <see cref="RecordType"/> says what it is:
/// <c>line</c> (a memoir line reduced or refused at adjudication), <c>accepted_lines</c> (the summary of the lines
/// accepted) or <c>total</c> (every line of the file). The counters say of the lines a record covers how many there
/// are (<c>lineCount</c>), how many are listed (<c>listedLines</c>) and how many are paid more than 0 (<c>paidLines</c>). Mapped by CsvHelper's source generator; the column
/// order is the declaration order and is part of the contract (<see cref="ReturnFileCsv.Header"/>).
/// </summary>
[CsvRecord]
[CsvOptions(Separator = ',', HasHeader = true, NewLine = "\r\n", Culture = "")]
public sealed partial record ReturnFileCsvRow
{
    [CsvColumn("recordType")] public string RecordType { get; set; } = "";
    [CsvColumn("runNumber")] public string RunNumber { get; set; } = "";
    [CsvColumn("providerCode")] public string ProviderCode { get; set; } = "";
    [CsvColumn("memoirId")] public Guid? MemoirId { get; set; }
    [CsvColumn("memoirReference")] public string MemoirReference { get; set; } = "";
    [CsvColumn("lineNumber")] public int? LineNumber { get; set; }
    [CsvColumn("voucherNumber")] public string VoucherNumber { get; set; } = "";
    [CsvColumn("matricule")] public string Matricule { get; set; } = "";
    [CsvColumn("sessionDate")] public DateOnly? SessionDate { get; set; }
    [CsvColumn("actCode")] public string ActCode { get; set; } = "";
    [CsvColumn("lineCount")] public int LineCount { get; set; }
    [CsvColumn("listedLines")] public int ListedLines { get; set; }
    [CsvColumn("paidLines")] public int PaidLines { get; set; }
    // A record that has no such amount (a debt, a balance) still writes it with two decimals, as every amount (0.00).
    [CsvColumn("claimedAmount")] public decimal ClaimedAmount { get; set; } = 0.00m;
    [CsvColumn("cnsAmount")] public decimal CnsAmount { get; set; } = 0.00m;
    [CsvColumn("payableAmount")] public decimal PayableAmount { get; set; } = 0.00m;
    [CsvColumn("paidAmount")] public decimal PaidAmount { get; set; } = 0.00m;
    [CsvColumn("outcome")] public string Outcome { get; set; } = "";
    [CsvColumn("reasonCodes")] public string ReasonCodes { get; set; } = "";
    [CsvColumn("reasons")] public string Reasons { get; set; } = "";
    /// <summary><c>line</c> records: third_party (RULES.md §8); empty on the other records.</summary>
    [CsvColumn("route")] public string Route { get; set; } = "";
    /// <summary><c>line</c> records: the insured's competent fund (CNS, CMFEP, CMFEC, EMCFL), empty when unknown.</summary>
    [CsvColumn("competentFund")] public string CompetentFund { get; set; } = "";
}
