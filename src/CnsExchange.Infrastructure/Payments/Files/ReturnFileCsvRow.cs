using CsvHelper;

namespace CnsExchange.Infrastructure.Payments.Files;

/// <summary>
/// One record of the CSV return file (docs/payment-files.md). <see cref="RecordType"/> says what it is:
/// <c>line</c> (a memoir line not paid or paid in part), <c>paid_lines</c> (the summary of the lines paid
/// in full) or <c>total</c> (every line of the file). Mapped by CsvHelper's source generator; the column
/// order is the declaration order and is part of the contract (<see cref="ReturnFileCsv.Header"/>).
/// </summary>
[CsvRecord]
[CsvOptions(Separator = ',', HasHeader = true, NewLine = "\r\n", Culture = "")]
public sealed partial record ReturnFileCsvRow
{
    [CsvColumn("record_type")] public string RecordType { get; set; } = "";
    [CsvColumn("run_number")] public string RunNumber { get; set; } = "";
    [CsvColumn("provider_code")] public string ProviderCode { get; set; } = "";
    [CsvColumn("memoir_id")] public Guid? MemoirId { get; set; }
    [CsvColumn("memoir_reference")] public string MemoirReference { get; set; } = "";
    [CsvColumn("line_number")] public int? LineNumber { get; set; }
    [CsvColumn("voucher_number")] public string VoucherNumber { get; set; } = "";
    [CsvColumn("matricule")] public string Matricule { get; set; } = "";
    [CsvColumn("session_date")] public DateOnly? SessionDate { get; set; }
    [CsvColumn("act_code")] public string ActCode { get; set; } = "";
    [CsvColumn("line_count")] public int LineCount { get; set; }
    [CsvColumn("claimed_amount")] public decimal ClaimedAmount { get; set; }
    [CsvColumn("accepted_amount")] public decimal AcceptedAmount { get; set; }
    [CsvColumn("paid_amount")] public decimal PaidAmount { get; set; }
    [CsvColumn("outcome")] public string Outcome { get; set; } = "";
    [CsvColumn("reason_codes")] public string ReasonCodes { get; set; } = "";
    [CsvColumn("reasons")] public string Reasons { get; set; } = "";
}
