namespace CnsExchange.Domain.Cures;

/// <summary>
/// Decides a cure authorisation request (RULES.md §5, CUR-01…CUR-08): every refusal found is reported together;
/// when nothing refuses, the authorisation terms (validity, rate, sessions, stay allowance, S2 marker).
/// </summary>
public static class CureAuthorisationPolicy
{
    public static CureDecision Decide(CureRequest request, Insured insured, IReadOnlyList<CureHistoryEntry> history, ReferenceCatalog catalog)
    {
        var date = request.RequestDate;
        var kind = catalog.CureKind(request.KindCode, date);
        if (kind is null)
            return new CureDecision([Reason.Refusal(CureReasonCodes.ConditionsNotMet, CureValidity.Rule, "kindCode", request.KindCode)], null);

        var reasons = new List<Reason>();
        void Add(Reason? r) { if (r is not null) reasons.Add(r); }

        Add(AffiliationRule.Check(insured, CureValidity.Rule, date));
        Add(RequestBeforeStart.Check(date, request.RequestedStart, request.Abroad ? CureAbroad.Rule : CureValidity.Rule));
        reasons.AddRange(CureAbroad.Check(request, insured, catalog));
        if (kind.RequiresAffectedSide && request.Clinical.AffectedSide is null)
            Add(Reason.Refusal(CureReasonCodes.ConditionsNotMet, kind.WaitRule, "clinical.affectedSide", "affectedSide"));

        ReinforcementModules.Grant? reinforcement = null;
        int? maxPerMonth = null;
        switch (kind.Family)
        {
            case CureFamily.LymphoVenous:
                Add(LymphoVenousConditions.Check(request.Clinical));
                break;
            case CureFamily.Obesity:
                Add(ObesityConditions.Check(request.Clinical, insured.Sex, date, catalog));
                Add(ObesityCureLimit.Check(kind, date, history, catalog));
                break;
            case CureFamily.ObesityReinforcement:
                var (refusal, grant) = ReinforcementModules.Check(kind, date, history, catalog);
                Add(refusal);
                reinforcement = grant;
                break;
            case CureFamily.Maintenance:
                Add(MaintenanceSessions.CompletedCycle(request, history, catalog));
                var (perMonth, reduction) = MaintenanceSessions.PerMonth(request, catalog);
                maxPerMonth = perMonth;
                Add(reduction);
                break;
        }
        Add(CureWaitingPeriod.Check(kind, request, history, catalog));

        if (reasons.Any(r => r.Severity == ReasonSeverity.Refusal)) return new CureDecision(reasons, null);

        var validUntil = CureValidity.ValidUntil(date, catalog);
        DateOnly? lastSessionBy = null;
        var sessions = kind.Sessions;
        if (reinforcement is not null)
        {
            sessions = reinforcement.Modules;
            if (reinforcement.WindowEnd < validUntil) validUntil = reinforcement.WindowEnd;
            lastSessionBy = reinforcement.WindowEnd;
        }
        if (maxPerMonth is { } perMonthGranted)
        {
            sessions = perMonthGranted * catalog.IntParameter("cure.authorisation.validity_months", date);
            lastSessionBy = validUntil;
        }
        Add(StationaryObesityCure.Notice(kind));
        if (request.Abroad)
            reasons.Add(Reason.Information(CureReasonCodes.S2Authorisation, CureAbroad.Rule, "countryOfCare", request.CountryOfCare.ToUpperInvariant()));

        var terms = new CureAuthorisationTerms(
            kind.Code, kind.Family, date, validUntil, CureCoverage.RatePercent(kind),
            ThirdPartyPayment: !request.Abroad,
            Sessions: sessions,
            SessionWindowMonths: kind.SessionWindowMonths,
            LastSessionBy: lastSessionBy,
            MaxSessionsPerMonth: maxPerMonth,
            StayAllowance: CureStayAllowance.For(kind, request, insured, catalog),
            S2: request.Abroad,
            CountryOfCare: request.CountryOfCare.ToUpperInvariant(),
            AffectedSide: kind.RequiresAffectedSide ? request.Clinical.AffectedSide : null);
        return new CureDecision(reasons, terms);
    }
}

/// <summary>
/// Checks of a billed cure session against its authorisation (for the fee-memoir path): CUR-01 limits when the cure
/// must start — its first session on or before <see cref="CureAuthorisationTerms.ValidUntil"/> (seed 003: "si je ne
/// commence pas ma cure dans ce délai, une nouvelle demande et autorisation sont nécessaires") — and no session comes
/// before the issue date; a cure started in time is paid to its end, even past the year. Its other limits still apply:
/// CUR-05 a cycle ends within its window after the first session, a series (maintenance, reinforcement modules) ends by
/// its last date, maintenance stays within its monthly cap, and the sessions granted are counted (BIL-06).
/// </summary>
public static class CureSessionRules
{
    public static IReadOnlyList<Reason> Check(CureAuthorisationTerms terms, DateOnly firstSession, DateOnly session, int sessionsAlreadyInMonth)
    {
        var reasons = new List<Reason>();
        if (InterruptedCure.Check(terms) is { } interrupted) reasons.Add(interrupted);
        if (session < terms.IssuedOn || firstSession < terms.IssuedOn)
            reasons.Add(Reason.Refusal(CureReasonCodes.AuthorisationExpired, CureValidity.Rule, "sessionDate", terms.IssuedOn.ToString("yyyy-MM-dd")));
        else if (firstSession > terms.ValidUntil)
            reasons.Add(Reason.Refusal(CureReasonCodes.AuthorisationExpired, CureValidity.Rule, "sessionDate", terms.ValidUntil.ToString("yyyy-MM-dd")));
        else if (terms.CycleLastDay(firstSession) is { } cycleEnd && session > cycleEnd)
            reasons.Add(Reason.Refusal(CureReasonCodes.AuthorisationExpired, terms.InterruptionDays > 0 ? MedicalInterruption.Rule : MaintenanceSessions.Rule,
                "sessionDate", cycleEnd.ToString("yyyy-MM-dd")));
        else if (terms.LastSessionBy is { } last && session > last)
            reasons.Add(Reason.Refusal(CureReasonCodes.AuthorisationExpired, CureValidity.Rule, "sessionDate", last.ToString("yyyy-MM-dd")));

        if (terms.MaxSessionsPerMonth is { } max && sessionsAlreadyInMonth >= max)
            reasons.Add(Reason.Refusal(CureReasonCodes.MaintenanceNotAllowed, MaintenanceSessions.Rule, "sessionDate", max.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return reasons;
    }
}
