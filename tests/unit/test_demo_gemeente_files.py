from demo.gemeente_files import almelo_register, care_clients, gemeente_files, synthetic_bsn
from demo.geography import demo_region, placements
from demo.population import area_year
from pipelines.sources.privacy import is_valid_bsn


def test_generation_is_deterministic_byte_for_byte_workbooks_included():
    assert gemeente_files() == gemeente_files()


def test_every_file_says_it_is_synthetic():
    assert all("synthetisch" in name for name in gemeente_files())


def test_synthetic_bsns_are_distinct_and_pass_the_eleven_test():
    numbers = [synthetic_bsn(i) for i in range(0, 1_000_000, 7)]
    assert all(is_valid_bsn(n) for n in numbers) and len(set(numbers)) == len(numbers)


def test_one_care_client_per_client_in_the_synthetic_truth():
    borne = next(g for g in demo_region() if g.code == "GM0147")
    expected = sum(
        round(area_year(p.area, 2024).wmo_clients) + round(area_year(p.area, 2024).youth_care)
        for p in placements(borne, 2024)
    )
    clients = list(care_clients(borne, 2024))
    assert len(clients) == expected and len({c.bsn for c in clients}) == expected


def test_almelos_register_is_windows_1252_with_euro_signs_and_decimal_commas():
    body = almelo_register()
    assert b"\x80 " in body  # € in Windows-1252
    assert "€ 1.200,00".encode("cp1252") in body
