-- Kerncijfers counts of every region on the target classification (var doelindeling): gemeenten through the
-- herindelingen crosswalk, wijken through the user's conversion matrix.
{{ harmonise(
    ref('int_kerncijfers_per_regio_jaar'),
    counts=['inwoners', 'wmo_clienten', 'jongeren_met_jeugdzorg', 'jongeren_afgeleid', 'personen_met_bijstand'],
    keys=['soort_regio'],
) }}
