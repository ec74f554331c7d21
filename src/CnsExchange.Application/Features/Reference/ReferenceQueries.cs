using CnsExchange.Domain.Reference;

namespace CnsExchange.Application.Features.Reference;

public sealed record LabelDto(string Fr, string De, string En);

public sealed record ActDto(string Code, string Domain, string Category, decimal Coefficient, decimal? TariffToday, bool CoveredByCns, LabelDto Label, DateOnly ValidFrom, DateOnly? ValidTo);

public sealed record ReferenceList<T>(string Version, IReadOnlyList<T> Items);

public sealed record GetActs(string? Domain) : IQuery<ReferenceList<ActDto>>;

public sealed record AnnexGDto(string Code, LabelDto Label, DateOnly ValidFrom, DateOnly? ValidTo);

public sealed record GetAnnexG : IQuery<ReferenceList<AnnexGDto>>;

public sealed record LetterKeyDto(decimal Value, DateOnly ValidFrom, DateOnly? ValidTo);

public sealed record GetLetterKey : IQuery<ReferenceList<LetterKeyDto>>;

public sealed record ReasonCodeDto(string Code, string Severity, string Rule, string Message, LabelDto Texts);

public sealed record GetReasonCodes : IQuery<ReferenceList<ReasonCodeDto>>;

public sealed record HolidayDto(DateOnly Date, string Key, string DayOfWeek);

public sealed record GetHolidays(int Year) : IQuery<ReferenceList<HolidayDto>>;

public sealed record WorkingDayDto(DateOnly Date, bool IsWorkingDay, string? Holiday, DateOnly NextWorkingDay, int Add, DateOnly Result);

public sealed record GetWorkingDay(DateOnly Date, int Add) : IQuery<WorkingDayDto>;

public sealed record ParameterDto(string Name, decimal Value, string? Note, DateOnly ValidFrom, DateOnly? ValidTo);

public sealed record GetParameters : IQuery<ReferenceList<ParameterDto>>;

public sealed class ReferenceQueryHandlers(IReferenceData reference, TimeProvider clock, ICurrentCaller caller) :
    IQueryHandler<GetActs, ReferenceList<ActDto>>,
    IQueryHandler<GetAnnexG, ReferenceList<AnnexGDto>>,
    IQueryHandler<GetLetterKey, ReferenceList<LetterKeyDto>>,
    IQueryHandler<GetReasonCodes, ReferenceList<ReasonCodeDto>>,
    IQueryHandler<GetHolidays, ReferenceList<HolidayDto>>,
    IQueryHandler<GetWorkingDay, WorkingDayDto>,
    IQueryHandler<GetParameters, ReferenceList<ParameterDto>>
{
    private ReferenceCatalog Catalog => reference.Catalog;

    private static LabelDto Label(LocalizedText t) => new(t.Fr, t.De, t.En);

    public ValueTask<ReferenceList<ActDto>> Handle(GetActs query, CancellationToken ct)
    {
        var today = LuxembourgCalendar.LocalDate(clock.GetUtcNow());
        var items = Catalog.Acts
            .Where(a => query.Domain is null || a.Domain == query.Domain)
            .Select(a => new ActDto(a.Code, a.Domain, a.Category, a.Coefficient,
                a.IsValidOn(today) ? Catalog.TariffOn(a.Code, today) : null, a.CoveredByCns, Label(a.Label), a.ValidFrom, a.ValidTo))
            .ToList();
        return ValueTask.FromResult(new ReferenceList<ActDto>(Catalog.Version, items));
    }

    public ValueTask<ReferenceList<AnnexGDto>> Handle(GetAnnexG query, CancellationToken ct) =>
        ValueTask.FromResult(new ReferenceList<AnnexGDto>(Catalog.Version,
            Catalog.AnnexG.Select(a => new AnnexGDto(a.Code, Label(a.Label), a.ValidFrom, a.ValidTo)).ToList()));

    public ValueTask<ReferenceList<LetterKeyDto>> Handle(GetLetterKey query, CancellationToken ct) =>
        ValueTask.FromResult(new ReferenceList<LetterKeyDto>(Catalog.Version,
            Catalog.LetterKey.OrderBy(k => k.ValidFrom).Select(k => new LetterKeyDto(k.Value, k.ValidFrom, k.ValidTo)).ToList()));

    public ValueTask<ReferenceList<ReasonCodeDto>> Handle(GetReasonCodes query, CancellationToken ct) =>
        ValueTask.FromResult(new ReferenceList<ReasonCodeDto>(Catalog.Version,
            Catalog.ReasonCodes.Select(r => new ReasonCodeDto(r.Code, r.Severity, r.Rule, r.Text.In(caller.Language).Replace(" ({detail})", "").Replace("{detail}", "…"), Label(r.Text))).ToList()));

    public ValueTask<ReferenceList<HolidayDto>> Handle(GetHolidays query, CancellationToken ct)
    {
        if (query.Year is < 1900 or > 2200) throw new BadInputException("year", "year must be between 1900 and 2200.");
        return ValueTask.FromResult(new ReferenceList<HolidayDto>(Catalog.Version,
            LuxembourgCalendar.Holidays(query.Year).Select(h => new HolidayDto(h.Date, h.Key, h.Date.DayOfWeek.ToString())).ToList()));
    }

    public ValueTask<WorkingDayDto> Handle(GetWorkingDay query, CancellationToken ct)
    {
        if (query.Add is < 0 or > 366) throw new BadInputException("add", "add must be between 0 and 366.");
        if (query.Date.Year is < 1900 or > 2200) throw new BadInputException("date", "date must be between 1900 and 2200.");
        var holiday = LuxembourgCalendar.Holidays(query.Date.Year).FirstOrDefault(h => h.Date == query.Date)?.Key;
        return ValueTask.FromResult(new WorkingDayDto(query.Date, LuxembourgCalendar.IsWorkingDay(query.Date), holiday,
            LuxembourgCalendar.NextWorkingDay(query.Date), query.Add, LuxembourgCalendar.AddWorkingDays(query.Date, query.Add)));
    }

    public ValueTask<ReferenceList<ParameterDto>> Handle(GetParameters query, CancellationToken ct) =>
        ValueTask.FromResult(new ReferenceList<ParameterDto>(Catalog.Version,
            Catalog.Parameters.Select(p => new ParameterDto(p.Name, p.Value, p.Note, p.ValidFrom, p.ValidTo)).ToList()));
}
