-- A service's price index (issue 15): the values of one published cost-inflation series by
-- financial year, with their source, which bring every unit cost of the tariff to one year's
-- prices in a report. One row per service; no row: costs stay at each unit cost's own year.
-- `index_values` is the domain's text form, `2013/14=100;2024/25=137.2` (PriceIndex::parse
-- reads it back), so a service's series is saved and read whole.
CREATE TABLE health_price_indices (
    service_org_id TEXT PRIMARY KEY REFERENCES organisations (id),
    source TEXT NOT NULL,
    index_values TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
