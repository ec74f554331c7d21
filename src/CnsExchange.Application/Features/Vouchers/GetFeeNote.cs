using System.Globalization;

namespace CnsExchange.Application.Features.Vouchers;

/// <summary>One session of a fee note: the insured pays the tariff; the competent fund reimburses the CNS share (BIL-10), the rest is the insured's share (BIL-11).</summary>
public sealed record FeeNoteLineDto(DateOnly SessionDate, string ActCode, string ActLabel, decimal TariffAmount, decimal RatePercent, decimal CnsShare, decimal InsuredShare);

public sealed record FeeNoteTotalsDto(int Sessions, decimal TariffAmount, decimal CnsShare, decimal InsuredShare);

public sealed record FeeNotePartyDto(string Code, string Name);

public sealed record FeeNoteInsuredDto(string Matricule, string FirstName, string LastName, string CompetentFund);

/// <summary>
/// INS-02: the invoice a provider gives the insured who pays in full (no third-party payment): tariff, CNS share and insured
/// share per session, and totals. The insured pays <c>totals.tariffAmount</c> and claims the CNS share from the competent fund.
/// </summary>
public sealed record FeeNoteDto(
    string VoucherNumber, DateOnly IssuedOn, string Currency, FeeNotePartyDto Provider, FeeNoteInsuredDto Insured,
    IReadOnlyList<FeeNoteLineDto> Lines, FeeNoteTotalsDto Totals, string Language);

/// <summary><paramref name="Sessions"/>: comma-separated <c>YYYY-MM-DD</c> or <c>YYYY-MM-DD:ACT</c> (the act may be left out when the voucher has one service).</summary>
public sealed record GetFeeNote(string Number, string? Sessions) : IQuery<FeeNoteDto>;

public sealed class GetFeeNoteHandler(IAppDbContext db, IReferenceData reference, ICurrentCaller caller, TimeProvider clock) : IQueryHandler<GetFeeNote, FeeNoteDto>
{
    public const int MaxSessions = 100;
    private const string Field = "sessions";

    public async ValueTask<FeeNoteDto> Handle(GetFeeNote query, CancellationToken ct)
    {
        if (!VoucherNumber.HasShape(query.Number))
            throw new BadInputException("number", "A voucher number looks like K26-0001000-5 (kind, year, sequence, check digit).");
        var today = LuxembourgCalendar.LocalDate(clock.GetUtcNow());
        var sessions = ParseSessions(query.Sessions, today);
        var voucher = await db.Vouchers.AsNoTracking().SingleOrDefaultAsync(v => v.Number == query.Number, ct);
        if (voucher is null || (!caller.IsStaff() && voucher.ProviderId != caller.ProviderId)) throw new NotFoundException("Voucher");
        if (!FeeNote.Allowed(voucher))
            throw new UnprocessableException("third_party_payment_required",
                "An accident (AAA) case is always billed under third-party payment (INS-02): submit a fee memoir instead of giving the insured a fee note.");

        var catalog = reference.Catalog;
        var lines = new List<FeeNoteLine>();
        foreach (var session in sessions)
        {
            var (line, problem) = FeeNote.Line(voucher, session, catalog);
            if (line is null) throw new BadInputException(Field, Problem(voucher, session, problem));
            lines.Add(line);
        }
        var provider = await db.Providers.AsNoTracking().Where(p => p.Id == voucher.ProviderId).Select(p => new FeeNotePartyDto(p.Code, p.Name)).SingleAsync(ct);
        var insured = await db.Insured.AsNoTracking().IgnoreAutoIncludes().Where(i => i.Id == voucher.InsuredId)
            .Select(i => new FeeNoteInsuredDto(i.Matricule, i.FirstName, i.LastName, i.CompetentFund)).SingleAsync(ct);
        var totals = FeeNote.Totals(lines);
        return new FeeNoteDto(voucher.Number, today, "EUR", provider, insured,
            lines.Select(l => new FeeNoteLineDto(l.SessionDate, l.ActCode, l.ActLabel.In(caller.Language), l.TariffAmount, l.RatePercent, l.CnsShare, l.InsuredShare)).ToList(),
            new FeeNoteTotalsDto(totals.Sessions, totals.TariffAmount, totals.CnsShare, totals.InsuredShare), caller.Language);
    }

    /// <summary>Sessions done (not in the future), one per date (BIL-07), in date order.</summary>
    public static IReadOnlyList<FeeNoteSession> ParseSessions(string? text, DateOnly today)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new BadInputException(Field, "sessions lists the sessions to invoice: 2026-11-10,2026-11-12 (or 2026-11-10:ZK11 to name the act).");
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length > MaxSessions) throw new BadInputException(Field, $"A fee note holds at most {MaxSessions} sessions.");
        var sessions = new List<FeeNoteSession>();
        foreach (var part in parts)
        {
            var colon = part.IndexOf(':');
            var datePart = colon < 0 ? part : part[..colon];
            var act = colon < 0 ? null : part[(colon + 1)..];
            if (!DateOnly.TryParseExact(datePart, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                || (act is not null && (act.Length is 0 or > 10 || !act.All(char.IsAsciiLetterOrDigit))))
                throw new BadInputException(Field, "Each session is YYYY-MM-DD or YYYY-MM-DD:ACT (an act code of the voucher), separated by commas.");
            if (date > today) throw new BadInputException(Field, $"Session {date:yyyy-MM-dd} is in the future: a fee note invoices sessions done.");
            if (sessions.Any(s => s.Date == date)) throw new BadInputException(Field, $"Session {date:yyyy-MM-dd} is listed twice: one act per session day (BIL-07).");
            sessions.Add(new FeeNoteSession(date, act?.ToUpperInvariant()));
        }
        return sessions.OrderBy(s => s.Date).ToList();
    }

    private static string Problem(Voucher voucher, FeeNoteSession session, FeeNoteSessionProblem? problem) => problem switch
    {
        FeeNoteSessionProblem.ActNameNeeded =>
            $"Voucher {voucher.Number} has several services ({string.Join(", ", voucher.Services.Select(s => s.ActCode).Order())}): name the act of session {session.Date:yyyy-MM-dd} as {session.Date:yyyy-MM-dd}:ACT.",
        FeeNoteSessionProblem.ActNotOnVoucher => $"Act {session.ActCode} is not a service of voucher {voucher.Number}.",
        _ => $"No tariff is in force for the act of session {session.Date:yyyy-MM-dd} on that date.",
    };
}
