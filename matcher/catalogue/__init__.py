"""The service catalogue: categories of service items a demand can be made from (issue #22)."""

from matcher.catalogue.fill import ITEM_COLUMN, demand_from_item, fill_row, fill_rows, item_cells
from matcher.catalogue.items import Catalogue, ServiceCategory, ServiceItem
from matcher.catalogue.parse import (
    DEFAULT_CATALOGUE_PATH,
    NO_CATALOGUE,
    catalogue_from_text,
    default_catalogue,
    fitting_catalogue,
    load_catalogue,
    parse_catalogue,
)

__all__ = [
    "DEFAULT_CATALOGUE_PATH",
    "ITEM_COLUMN",
    "NO_CATALOGUE",
    "Catalogue",
    "ServiceCategory",
    "ServiceItem",
    "catalogue_from_text",
    "default_catalogue",
    "demand_from_item",
    "fill_row",
    "fill_rows",
    "fitting_catalogue",
    "item_cells",
    "load_catalogue",
    "parse_catalogue",
]
