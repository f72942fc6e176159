-- scripts/demo_data_v1.sql
-- NukeWorks demo data for schema version 1 (migrations/001_initial_schema.sql).
-- Load it into a database at version 1 before applying later migrations; the
-- caller wraps it in a transaction. Names of people are fictitious; companies,
-- designs and projects are public examples, with figures rounded or illustrative.

-- ----------------------------------------------------------------------------
-- Users
-- ----------------------------------------------------------------------------
INSERT INTO Users (user_id, username, full_name, email, role, is_active, created_date) VALUES
(1, 'admin',     'NukeWorks Administrator', 'admin@nukeworks.example',     'Admin',  1, '2025-01-06 09:00:00'),
(2, 'jcarter',   'Jenna Carter',            'jcarter@nukeworks.example',   'Editor', 1, '2025-01-06 09:15:00'),
(3, 'mokafor',   'Michael Okafor',          'mokafor@nukeworks.example',   'Editor', 1, '2025-01-06 09:20:00'),
(4, 'lnguyen',   'Linh Nguyen',             'lnguyen@nukeworks.example',   'Editor', 1, '2025-01-07 10:05:00'),
(5, 'rpatel',    'Ravi Patel',              'rpatel@nukeworks.example',    'Viewer', 1, '2025-01-07 10:30:00'),
(6, 'smueller',  'Stefan Müller',           'smueller@nukeworks.example',  'Editor', 1, '2025-01-08 08:45:00'),
(7, 'aobrien',   'Aoife O''Brien',          'aobrien@nukeworks.example',   'Viewer', 1, '2025-01-08 11:10:00'),
(8, 'tkowalski', 'Tomasz Kowalski',         'tkowalski@nukeworks.example', 'Viewer', 0, '2025-01-09 14:00:00');

-- ----------------------------------------------------------------------------
-- Technology vendors
-- ----------------------------------------------------------------------------
INSERT INTO Technology_Vendors (vendor_id, vendor_name, headquarters_country, website, notes, created_by, created_date, modified_by, modified_date) VALUES
(1,  'NuScale Power',                 'United States',  'https://www.nuscalepower.com',  'Light-water iPWR modules; first SMR design certified by the NRC.', 2, '2025-01-10 09:00:00', NULL, NULL),
(2,  'GE Hitachi Nuclear Energy',     'United States',  'https://www.gevernova.com',     'BWRX-300 is the lead design for OPG''s Darlington New Nuclear Project.', 2, '2025-01-10 09:05:00', 3, '2025-02-14 16:20:00'),
(3,  'TerraPower',                    'United States',  'https://www.terrapower.com',    'Natrium sodium-cooled fast reactor with molten-salt energy storage.', 2, '2025-01-10 09:10:00', NULL, NULL),
(4,  'X-energy',                      'United States',  'https://x-energy.com',          'Xe-100 pebble-bed HTGR; TRISO-X fuel fabrication.', 3, '2025-01-10 09:15:00', NULL, NULL),
(5,  'Kairos Power',                  'United States',  'https://kairospower.com',       'Fluoride salt-cooled high-temperature reactor (KP-FHR).', 3, '2025-01-10 09:20:00', NULL, NULL),
(6,  'Westinghouse Electric Company', 'United States',  'https://www.westinghousenuclear.com', 'AP1000, AP300 and eVinci.', 2, '2025-01-10 09:25:00', NULL, NULL),
(7,  'Holtec International',         'United States',  'https://holtecinternational.com', 'SMR-300 PWR; owner of the Palisades site.', 4, '2025-01-10 09:30:00', NULL, NULL),
(8,  'Oklo Inc.',                     'United States',  'https://oklo.com',              'Aurora liquid-metal fast reactor "powerhouse"; build-own-operate model.', 4, '2025-01-10 09:35:00', NULL, NULL),
(9,  'Rolls-Royce SMR',               'United Kingdom', 'https://www.rolls-royce-smr.com', 'Selected by Great British Nuclear (2025).', 6, '2025-01-10 09:40:00', NULL, NULL),
(10, 'BWXT Advanced Technologies',    'United States',  'https://www.bwxt.com',          'Microreactors (Project Pele) and BANR.', 3, '2025-01-10 09:45:00', NULL, NULL),
(11, 'newcleo',                       'France',         'https://www.newcleo.com',       'Lead-cooled fast reactors with MOX fuel.', 6, '2025-01-10 09:50:00', NULL, NULL),
(12, 'Terrestrial Energy',            'United States',  'https://www.terrestrialenergy.com', 'Integral Molten Salt Reactor (IMSR).', 6, '2025-01-10 09:55:00', NULL, NULL);

-- ----------------------------------------------------------------------------
-- Products (reactor designs). thermal_capacity in MWt, thermal_efficiency in
-- percent, burnup in GWd/tU; NULL where not published or not applicable.
-- ----------------------------------------------------------------------------
INSERT INTO Products (product_id, product_name, vendor_id, reactor_type, thermal_capacity, thermal_efficiency, burnup, design_status, notes, created_by, created_date, modified_by, modified_date) VALUES
(1,  'NuScale US600 Power Module',   1,  'iPWR',               160.0,   31.25, NULL,  'Certified',          'Design certification rule effective February 2023.', 2, '2025-01-11 10:00:00', NULL, NULL),
(2,  'NuScale US460 Power Module',   1,  'iPWR',               250.0,   30.8,  NULL,  'Design Approved',    '77 MWe uprate of the US600; used in VOYGR-6 plants.', 2, '2025-01-11 10:05:00', 3, '2025-06-02 08:30:00'),
(3,  'BWRX-300',                     2,  'BWR',                870.0,   34.5,  49.6,  'Licensing',          'Natural-circulation BWR derived from the ESBWR.', 2, '2025-01-11 10:10:00', NULL, NULL),
(4,  'ESBWR',                        2,  'BWR',                4500.0,  34.9,  NULL,  'Certified',          NULL, 2, '2025-01-11 10:15:00', NULL, NULL),
(5,  'PRISM',                        2,  'SFR',                840.0,   37.0,  NULL,  'Conceptual',         'Basis of the cancelled Versatile Test Reactor.', 3, '2025-01-11 10:20:00', NULL, NULL),
(6,  'Natrium',                      3,  'SFR',                840.0,   41.0,  NULL,  'Licensing',          '345 MWe base, up to 500 MWe for 5.5 h from molten-salt storage.', 3, '2025-01-11 10:25:00', NULL, NULL),
(7,  'Molten Chloride Fast Reactor', 3,  'MSR',                NULL,    NULL,  NULL,  'Conceptual',         NULL, 3, '2025-01-11 10:30:00', NULL, NULL),
(8,  'Xe-100',                       4,  'HTGR',               200.0,   40.0,  165.0, 'Licensing',          '80 MWe per module, typically in four-packs.', 3, '2025-01-11 10:35:00', NULL, NULL),
(9,  'Hermes',                       5,  'FHR',                35.0,    NULL,  NULL,  'Construction',       'Non-power test reactor; construction permit December 2023.', 4, '2025-01-11 10:40:00', NULL, NULL),
(10, 'KP-FHR',                       5,  'FHR',                320.0,   43.75, NULL,  'Preliminary Design', NULL, 4, '2025-01-11 10:45:00', NULL, NULL),
(11, 'AP1000',                       6,  'PWR',                3415.0,  32.7,  62.0,  'Operating',          'Vogtle Units 3 and 4 in commercial operation.', 2, '2025-01-11 10:50:00', NULL, NULL),
(12, 'AP300',                        6,  'PWR',                990.0,   33.3,  NULL,  'Preliminary Design', 'Single-loop derivative of the AP1000.', 2, '2025-01-11 10:55:00', NULL, NULL),
(13, 'eVinci Microreactor',          6,  'Heat Pipe',          15.0,    33.3,  NULL,  'Licensing',          'Transportable heat-pipe microreactor.', 6, '2025-01-11 11:00:00', NULL, NULL),
(14, 'SMR-300',                      7,  'PWR',                1020.5,  31.4,  NULL,  'Licensing',          'Twin units planned at Palisades ("Pioneer 1 & 2").', 4, '2025-01-11 11:05:00', NULL, NULL),
(15, 'HI-SMR-160',                   7,  'PWR',                525.0,   NULL,  NULL,  'Superseded',         'Superseded by the SMR-300; kept for historical records.', 4, '2025-01-11 11:10:00', NULL, NULL),
(16, 'Aurora Powerhouse',            8,  'SFR',                NULL,    NULL,  NULL,  'Licensing',          '75 MWe class; HALEU metal fuel.', 4, '2025-01-11 11:15:00', NULL, NULL),
(17, 'Rolls-Royce SMR',              9,  'PWR',                1358.0,  34.6,  55.0,  'Licensing',          'UK Generic Design Assessment step 3.', 6, '2025-01-11 11:20:00', NULL, NULL),
(18, 'BANR',                         10, 'HTGR',               50.0,    NULL,  NULL,  'Conceptual',         'BWXT Advanced Nuclear Reactor.', 3, '2025-01-11 11:25:00', NULL, NULL),
(19, 'Project Pele',                 10, 'HTGR Microreactor',  3.75,    NULL,  NULL,  'Construction',       'DoD SCO mobile microreactor prototype.', 3, '2025-01-11 11:30:00', NULL, NULL),
(20, 'LFR-AS-200',                   11, 'LFR',                480.0,   41.7,  NULL,  'Preliminary Design', NULL, 6, '2025-01-11 11:35:00', NULL, NULL),
(21, 'IMSR400',                      12, 'MSR',                884.5,   44.1,  NULL,  'Licensing',          'Two 442.25 MWt cores per plant; 7-year core-unit replacement.', 6, '2025-01-11 11:40:00', NULL, NULL);

-- ----------------------------------------------------------------------------
-- Owners and developers
-- ----------------------------------------------------------------------------
INSERT INTO Owners_Developers (owner_id, company_name, company_type, headquarters_country, notes, created_by, created_date, modified_by, modified_date) VALUES
(1,  'Ontario Power Generation',                'Utility',          'Canada',         'Darlington New Nuclear Project: four BWRX-300 units planned.', 2, '2025-01-12 09:00:00', NULL, NULL),
(2,  'Tennessee Valley Authority',              'Federal Utility',  'United States',  'Clinch River early site permit; Hermes 2 offtake.', 2, '2025-01-12 09:05:00', NULL, NULL),
(3,  'Georgia Power',                           'Utility',          'United States',  'Southern Company subsidiary; operator share of Vogtle 3 & 4.', 2, '2025-01-12 09:10:00', NULL, NULL),
(4,  'Dow Inc.',                                'Industrial',       'United States',  'Process heat and steam for the Seadrift Operations site.', 3, '2025-01-12 09:15:00', NULL, NULL),
(5,  'Energy Northwest',                        'Public Utility',   'United States',  'Joint operating agency; Cascade Advanced Energy Facility.', 3, '2025-01-12 09:20:00', NULL, NULL),
(6,  'Utah Associated Municipal Power Systems', 'Municipal',        'United States',  'CFPP terminated in November 2023.', 3, '2025-01-12 09:25:00', NULL, NULL),
(7,  'PacifiCorp',                              'Utility',          'United States',  'Offtaker for the Natrium plant in Kemmerer.', 4, '2025-01-12 09:30:00', NULL, NULL),
(8,  'Holtec Palisades, LLC',                   'IPP',              'United States',  'Palisades restart plus SMR-300 units on site.', 4, '2025-01-12 09:35:00', NULL, NULL),
(9,  'Électricité de France (EDF)',             'Utility',          'France',         'Prospect: interested in SMR partnerships outside France.
Follow up after the Q3 roundtable.', 6, '2025-01-12 09:40:00', NULL, NULL),
(10, 'Polskie Elektrownie Jądrowe',             'State Developer',  'Poland',         'AP1000 plant at the Lubiatowo-Kopalino site.', 6, '2025-01-12 09:45:00', NULL, NULL),
(11, 'Societatea Națională Nuclearelectrica',   'Utility',          'Romania',        'RoPower Nuclear (with Nova Power & Gas) for Doicești.', 6, '2025-01-12 09:50:00', NULL, NULL),
(12, 'Amazon Web Services',                     'Hyperscaler',      'United States',  'Funds X-energy and Energy Northwest''s Cascade project.', 5, '2025-01-12 09:55:00', NULL, NULL),
(13, 'Google LLC',                              'Hyperscaler',      'United States',  'Master agreement with Kairos Power for up to 500 MW.', 5, '2025-01-12 10:00:00', NULL, NULL);

-- ----------------------------------------------------------------------------
-- Personnel. organization_type/organization_id point into Technology_Vendors
-- ('Vendor') or Owners_Developers ('Owner'); our own staff are 'Internal'.
-- ----------------------------------------------------------------------------
INSERT INTO Personnel (personnel_id, full_name, email, phone, role, organization_id, organization_type, is_active, notes, created_by, created_date, modified_by, modified_date) VALUES
(1,  'Jenna Carter',          'jcarter@nukeworks.example',        '+1 208 555 0101', 'Principal, Business Development', NULL, 'Internal', 1, NULL, 1, '2025-01-13 09:00:00', NULL, NULL),
(2,  'Michael Okafor',        'mokafor@nukeworks.example',        '+1 208 555 0102', 'Licensing Lead',                  NULL, 'Internal', 1, NULL, 1, '2025-01-13 09:01:00', NULL, NULL),
(3,  'Linh Nguyen',           'lnguyen@nukeworks.example',        '+1 208 555 0103', 'Supply Chain Analyst',            NULL, 'Internal', 1, NULL, 1, '2025-01-13 09:02:00', NULL, NULL),
(4,  'Stefan Müller',         'smueller@nukeworks.example',       '+49 30 5550 1104', 'Europe Market Lead',             NULL, 'Internal', 1, NULL, 1, '2025-01-13 09:03:00', NULL, NULL),
(5,  'Siobhán O''Connell',    'soconnell@nukeworks.example',      '+353 1 555 0105', 'Project Controls',                NULL, 'Internal', 1, NULL, 1, '2025-01-13 09:04:00', NULL, NULL),
(6,  'Daniel Reyes',          'dreyes@nukeworks.example',         '+1 208 555 0106', 'Fuel Cycle Specialist',           NULL, 'Internal', 0, 'Left the company in March 2025.', 1, '2025-01-13 09:05:00', 1, '2025-03-31 17:00:00'),
(7,  'Karen Whitfield',       'k.whitfield@nuscale.example',      '+1 541 555 0107', 'Director, Commercial',            1,    'Vendor',   1, NULL, 2, '2025-01-14 10:00:00', NULL, NULL),
(8,  'Jürgen Müller',         'j.mueller@gehitachi.example',      '+1 910 555 0108', 'Program Manager, BWRX-300',       2,    'Vendor',   1, 'Prefers calls before 10:00 Eastern.', 2, '2025-01-14 10:05:00', NULL, NULL),
(9,  'Priya Raman',           'praman@terrapower.example',        '+1 425 555 0109', 'Licensing Manager',               3,    'Vendor',   1, NULL, 2, '2025-01-14 10:10:00', NULL, NULL),
(10, 'Marcus Bell',           'mbell@x-energy.example',           '+1 301 555 0110', 'VP, Business Development',        4,    'Vendor',   1, NULL, 3, '2025-01-14 10:15:00', NULL, NULL),
(11, 'Hannah Lindqvist',      'hlindqvist@kairospower.example',   '+1 510 555 0111', 'Regulatory Affairs',              5,    'Vendor',   1, NULL, 3, '2025-01-14 10:20:00', NULL, NULL),
(12, 'Robert D''Angelo',      'rdangelo@westinghouse.example',    '+1 412 555 0112', 'Account Executive, AP1000',       6,    'Vendor',   1, 'Owner''s engineer contact for Vogtle lessons learned.', 3, '2025-01-14 10:25:00', NULL, NULL),
(13, 'Chidi Okonkwo',         'cokonkwo@holtec.example',          '+1 856 555 0113', 'SMR-300 Project Director',        7,    'Vendor',   1, NULL, 4, '2025-01-14 10:30:00', NULL, NULL),
(14, 'Ana-María Núñez',       'anunez@oklo.example',              '+1 408 555 0114', 'Site Development',                8,    'Vendor',   1, NULL, 4, '2025-01-14 10:35:00', NULL, NULL),
(15, 'Björn Østergaard',      'bostergaard@rolls-royce-smr.example', '+44 1332 555 0115', 'Head of International',     9,    'Vendor',   1, NULL, 6, '2025-01-14 10:40:00', NULL, NULL),
(16, 'Grace Thompson',        'gthompson@bwxt.example',           '+1 434 555 0116', 'Microreactor Programs',           10,   'Vendor',   1, NULL, 3, '2025-01-14 10:45:00', NULL, NULL),
(17, 'Luca Ferretti',         'lferretti@newcleo.example',        '+33 1 55 55 01 17', 'Partnerships',                  11,   'Vendor',   1, NULL, 6, '2025-01-14 10:50:00', NULL, NULL),
(18, 'Samuel Adeyemi',        'sadeyemi@opg.example',             '+1 905 555 0118', 'DNNP Procurement Lead',           1,    'Owner',    1, NULL, 2, '2025-01-15 09:00:00', NULL, NULL),
(19, 'Laura McKinney',        'lmckinney@tva.example',            '+1 865 555 0119', 'Clinch River Site Manager',       2,    'Owner',    1, NULL, 2, '2025-01-15 09:05:00', NULL, NULL),
(20, 'Derek Johansson',       'djohansson@georgiapower.example',  '+1 706 555 0120', 'Plant Vogtle Engineering',        3,    'Owner',    1, NULL, 2, '2025-01-15 09:10:00', NULL, NULL),
(21, 'Maria Gonzalez',        'mgonzalez@dow.example',            '+1 361 555 0121', 'Energy Transition Director',      4,    'Owner',    1, NULL, 3, '2025-01-15 09:15:00', NULL, NULL),
(22, 'Kevin Park',            'kpark@energy-northwest.example',   '+1 509 555 0122', 'Cascade Project Manager',         5,    'Owner',    1, NULL, 3, '2025-01-15 09:20:00', NULL, NULL),
(23, 'François Lefèvre',      'francois.lefevre@edf.example',     '+33 1 55 55 01 23', 'International SMR Strategy',    9,    'Owner',    1, 'Met at the Paris roundtable.
Asked for our Xe-100 vs. Natrium comparison.', 6, '2025-01-15 09:25:00', NULL, NULL),
(24, 'Zofia Wiśniewska',      'zofia.wisniewska@pej.example',     '+48 22 555 01 24', 'Licensing Coordinator',          10,   'Owner',    1, NULL, 6, '2025-01-15 09:30:00', NULL, NULL),
(25, 'Andrei Popescu',        'andrei.popescu@nuclearelectrica.example', '+40 21 555 0125', 'RoPower Technical Director', 11, 'Owner',  1, NULL, 6, '2025-01-15 09:35:00', NULL, NULL);

-- ----------------------------------------------------------------------------
-- Projects. cod is the (planned) commercial operation date.
-- ----------------------------------------------------------------------------
INSERT INTO Projects (project_id, project_name, location, project_status, cod, capacity_mw, notes, created_by, created_date, modified_by, modified_date) VALUES
(1,  'Darlington New Nuclear – Unit 1',        'Clarington, Ontario, Canada',                  'Construction', '2030-12-31', 300.0,  'First BWRX-300; licence to construct issued April 2025.', 2, '2025-01-16 09:00:00', 3, '2025-04-07 12:00:00'),
(2,  'Darlington New Nuclear – Unit 2',        'Clarington, Ontario, Canada',                  'Licensing',    NULL,         300.0,  NULL, 2, '2025-01-16 09:05:00', NULL, NULL),
(3,  'Clinch River BWRX-300',                  'Oak Ridge, Tennessee, USA',                    'Licensing',    '2032-12-31', 300.0,  'Construction permit application submitted 2025.', 2, '2025-01-16 09:10:00', NULL, NULL),
(4,  'Vogtle Unit 3',                          'Waynesboro, Georgia, USA',                     'Operating',    '2023-07-31', 1117.0, 'First new-build US reactor in decades.', 2, '2025-01-16 09:15:00', NULL, NULL),
(5,  'Vogtle Unit 4',                          'Waynesboro, Georgia, USA',                     'Operating',    '2024-04-29', 1117.0, NULL, 2, '2025-01-16 09:20:00', NULL, NULL),
(6,  'Kemmerer Unit 1 (Natrium)',              'Kemmerer, Wyoming, USA',                       'Construction', '2031-06-30', 345.0,  'Non-nuclear construction began June 2024.', 3, '2025-01-16 09:25:00', NULL, NULL),
(7,  'Long Mott Generating Station',           'Seadrift, Texas, USA',                         'Licensing',    NULL,         320.0,  'Four Xe-100 modules supplying steam and power to Dow''s Seadrift site.', 3, '2025-01-16 09:30:00', NULL, NULL),
(8,  'Cascade Advanced Energy Facility',       'Richland, Washington, USA',                    'Planning',     NULL,         960.0,  'Up to twelve Xe-100 modules.', 3, '2025-01-16 09:35:00', NULL, NULL),
(9,  'Hermes Test Reactor',                    'Oak Ridge, Tennessee, USA',                    'Construction', '2027-06-30', NULL,   'Non-power demonstration; no electricity sales.', 4, '2025-01-16 09:40:00', NULL, NULL),
(10, 'Hermes 2',                               'Oak Ridge, Tennessee, USA',                    'Construction', '2030-12-31', 50.0,   'Two-unit plant; 50 MWe to TVA under the Google agreement.', 4, '2025-01-16 09:45:00', NULL, NULL),
(11, 'Carbon Free Power Project',              'Idaho Falls, Idaho, USA',                      'Cancelled',    NULL,         462.0,  'Terminated November 2023: subscription targets not met.', 3, '2025-01-16 09:50:00', NULL, NULL),
(12, 'Doicești SMR Plant',                     'Doicești, Dâmbovița County, Romania',          'Planning',     '2033-12-31', 462.0,  'Six-module VOYGR-6 at a former coal site.', 6, '2025-01-16 09:55:00', NULL, NULL),
(13, 'Palisades SMR-300 – Pioneer 1',          'Covert Township, Michigan, USA',               'Licensing',    '2030-06-30', 340.0,  NULL, 4, '2025-01-16 10:00:00', NULL, NULL),
(14, 'Palisades SMR-300 – Pioneer 2',          'Covert Township, Michigan, USA',               'Licensing',    '2030-12-31', 340.0,  NULL, 4, '2025-01-16 10:05:00', NULL, NULL),
(15, 'Aurora-INL',                             'Idaho National Laboratory, Idaho, USA',        'Construction', '2027-12-31', 75.0,   'Groundbreaking September 2025.', 4, '2025-01-16 10:10:00', NULL, NULL),
(16, 'Pomorze NPP – Unit 1',                   'Lubiatowo-Kopalino, Pomeranian Voivodeship, Poland', 'Licensing', '2036-12-31', 1150.0, 'First of three AP1000 units.', 6, '2025-01-16 10:15:00', NULL, NULL),
(17, 'Wylfa SMR',                              'Anglesey, Wales, UK',                          'Planning',     NULL,         470.0,  NULL, 6, '2025-01-16 10:20:00', NULL, NULL),
(18, 'Project Pele Demonstration',             'Idaho National Laboratory, Idaho, USA',        'Construction', '2028-03-31', 1.5,    NULL, 3, '2025-01-16 10:25:00', NULL, NULL),
(19, 'Turkey Point Units 6 & 7',               'Homestead, Florida, USA',                      'Paused',       NULL,         2200.0, 'COLs issued 2018; the owner has not committed to construction.', 2, '2025-01-16 10:30:00', NULL, NULL),
(20, 'Versatile Test Reactor',                 'Idaho National Laboratory, Idaho, USA',        'Cancelled',    NULL,         NULL,   'PRISM-based fast-spectrum test reactor; not funded after FY2022.', 3, '2025-01-16 10:35:00', NULL, NULL),
(21, 'Kemmerer Unit 2 (Natrium)',              'Kemmerer, Wyoming, USA',                       'Planning',     NULL,         345.0,  NULL, 3, '2025-01-16 10:40:00', NULL, NULL),
(22, 'Trawsfynydd SMR',                        'Gwynedd, Wales, UK',                           'Paused',       NULL,         470.0,  'Site evaluation on hold pending the Wylfa decision.', 6, '2025-01-16 10:45:00', NULL, NULL),
(23, 'IMSR Demonstration – Texas A&M RELLIS',  'Bryan, Texas, USA',                            'Planning',     NULL,         390.0,  NULL, 6, '2025-01-16 10:50:00', NULL, NULL),
(24, 'newcleo LFR-AS-200 First-of-a-Kind',     'France (site to be confirmed)',                'Planning',     '2033-12-31', 200.0,  NULL, 6, '2025-01-16 10:55:00', NULL, NULL),
(25, 'eVinci Test at DOME',                    'Idaho National Laboratory, Idaho, USA',        'Licensing',    '2027-09-30', 5.0,    NULL, 6, '2025-01-16 11:00:00', NULL, NULL),
(26, 'Saskatchewan BWRX-300',                  'Estevan, Saskatchewan, Canada',                'Planning',     NULL,         300.0,  NULL, 2, '2025-01-16 11:05:00', NULL, NULL),
(27, 'AP300 Teesside',                         'Teesside, England, UK',                        'Planning',     NULL,         300.0,  'Developer: Community Nuclear Power.', 2, '2025-01-16 11:10:00', NULL, NULL),
(28, 'ENTRA1–TVA NuScale Fleet, Phase 1',      'Tennessee Valley, USA',                        'Planning',     NULL,         462.0,  'Part of a program of up to 6 GW.', 5, '2025-01-16 11:15:00', NULL, NULL),
(29, 'Oklo Aurora – Piketon',                  'Piketon, Ohio, USA',                           'Planning',     NULL,         150.0,  'Two Aurora powerhouses on the former Portsmouth site.', 4, '2025-01-16 11:20:00', NULL, NULL),
(30, 'North Anna Unit 3',                      'Louisa County, Virginia, USA',                 'Paused',       NULL,         1520.0, 'ESBWR COL issued 2017; no construction decision.', 2, '2025-01-16 11:25:00', NULL, NULL);

-- ----------------------------------------------------------------------------
-- Project ↔ product (the ON DELETE CASCADE children of Products and Projects)
-- ----------------------------------------------------------------------------
INSERT INTO Project_Product_Relationships (relationship_id, project_id, product_id, unit_count, is_confidential, notes, created_by, created_date) VALUES
(1,  1,  3,  1,  0, NULL, 2, '2025-01-17 09:00:00'),
(2,  2,  3,  1,  0, NULL, 2, '2025-01-17 09:01:00'),
(3,  3,  3,  1,  0, NULL, 2, '2025-01-17 09:02:00'),
(4,  4,  11, 1,  0, NULL, 2, '2025-01-17 09:03:00'),
(5,  5,  11, 1,  0, NULL, 2, '2025-01-17 09:04:00'),
(6,  6,  6,  1,  0, NULL, 3, '2025-01-17 09:05:00'),
(7,  7,  8,  4,  0, NULL, 3, '2025-01-17 09:06:00'),
(8,  8,  8,  12, 0, 'Phase 1 is four modules.', 3, '2025-01-17 09:07:00'),
(9,  9,  9,  1,  0, NULL, 4, '2025-01-17 09:08:00'),
(10, 10, 9,  2,  0, NULL, 4, '2025-01-17 09:09:00'),
(11, 11, 1,  12, 0, 'Original configuration: twelve US600 modules.', 3, '2025-01-17 09:10:00'),
(12, 11, 2,  6,  0, 'Revised in 2021 to six US460 modules.', 3, '2025-01-17 09:11:00'),
(13, 12, 2,  6,  0, NULL, 6, '2025-01-17 09:12:00'),
(14, 13, 14, 1,  0, NULL, 4, '2025-01-17 09:13:00'),
(15, 13, 15, 1,  0, 'Initially proposed as HI-SMR-160.', 4, '2025-01-17 09:14:00'),
(16, 14, 14, 1,  0, NULL, 4, '2025-01-17 09:15:00'),
(17, 15, 16, 1,  0, NULL, 4, '2025-01-17 09:16:00'),
(18, 16, 11, 1,  0, NULL, 6, '2025-01-17 09:17:00'),
(19, 17, 17, 1,  0, NULL, 6, '2025-01-17 09:18:00'),
(20, 18, 19, 1,  1, 'Details under DoD confidentiality.', 3, '2025-01-17 09:19:00'),
(21, 19, 11, 2,  0, NULL, 2, '2025-01-17 09:20:00'),
(22, 20, 5,  1,  0, NULL, 3, '2025-01-17 09:21:00'),
(23, 21, 6,  1,  0, NULL, 3, '2025-01-17 09:22:00'),
(24, 22, 17, 1,  0, NULL, 6, '2025-01-17 09:23:00'),
(25, 23, 21, 1,  0, NULL, 6, '2025-01-17 09:24:00'),
(26, 24, 20, 1,  0, NULL, 6, '2025-01-17 09:25:00'),
(27, 25, 13, 1,  0, NULL, 6, '2025-01-17 09:26:00'),
(28, 26, 3,  1,  0, NULL, 2, '2025-01-17 09:27:00'),
(29, 27, 12, 1,  0, NULL, 2, '2025-01-17 09:28:00'),
(30, 28, 2,  6,  0, NULL, 5, '2025-01-17 09:29:00'),
(31, 29, 16, 2,  0, NULL, 4, '2025-01-17 09:30:00'),
(32, 30, 4,  1,  0, NULL, 2, '2025-01-17 09:31:00'),
(33, 8,  18, 1,  1, 'Alternative evaluated by the owner''s engineer; not selected.', 3, '2025-01-17 09:32:00');

-- ----------------------------------------------------------------------------
-- Project ↔ vendor
-- ----------------------------------------------------------------------------
INSERT INTO Project_Vendor_Relationships (relationship_id, project_id, vendor_id, is_confidential, notes, created_by, created_date) VALUES
(1,  1,  2,  0, 'Reactor vendor.', 2, '2025-01-18 09:00:00'),
(2,  2,  2,  0, NULL, 2, '2025-01-18 09:01:00'),
(3,  3,  2,  0, NULL, 2, '2025-01-18 09:02:00'),
(4,  4,  6,  0, NULL, 2, '2025-01-18 09:03:00'),
(5,  5,  6,  0, NULL, 2, '2025-01-18 09:04:00'),
(6,  6,  3,  0, NULL, 3, '2025-01-18 09:05:00'),
(7,  7,  4,  0, NULL, 3, '2025-01-18 09:06:00'),
(8,  8,  4,  0, NULL, 3, '2025-01-18 09:07:00'),
(9,  9,  5,  0, NULL, 4, '2025-01-18 09:08:00'),
(10, 10, 5,  0, NULL, 4, '2025-01-18 09:09:00'),
(11, 11, 1,  0, NULL, 3, '2025-01-18 09:10:00'),
(12, 12, 1,  0, NULL, 6, '2025-01-18 09:11:00'),
(13, 13, 7,  0, NULL, 4, '2025-01-18 09:12:00'),
(14, 14, 7,  0, NULL, 4, '2025-01-18 09:13:00'),
(15, 15, 8,  0, NULL, 4, '2025-01-18 09:14:00'),
(16, 16, 6,  0, 'Westinghouse-Bechtel consortium.', 6, '2025-01-18 09:15:00'),
(17, 17, 9,  0, NULL, 6, '2025-01-18 09:16:00'),
(18, 18, 10, 1, NULL, 3, '2025-01-18 09:17:00'),
(19, 19, 6,  0, NULL, 2, '2025-01-18 09:18:00'),
(20, 20, 2,  0, NULL, 3, '2025-01-18 09:19:00'),
(21, 21, 3,  0, NULL, 3, '2025-01-18 09:20:00'),
(22, 22, 9,  0, NULL, 6, '2025-01-18 09:21:00'),
(23, 23, 12, 0, NULL, 6, '2025-01-18 09:22:00'),
(24, 24, 11, 0, NULL, 6, '2025-01-18 09:23:00'),
(25, 25, 6,  0, NULL, 6, '2025-01-18 09:24:00'),
(26, 26, 2,  0, NULL, 2, '2025-01-18 09:25:00'),
(27, 27, 6,  0, NULL, 2, '2025-01-18 09:26:00'),
(28, 28, 1,  0, NULL, 5, '2025-01-18 09:27:00'),
(29, 29, 8,  0, NULL, 4, '2025-01-18 09:28:00'),
(30, 30, 2,  0, NULL, 2, '2025-01-18 09:29:00'),
(31, 8,  10, 1, 'Evaluated as an alternative supplier.', 3, '2025-01-18 09:30:00');

-- ----------------------------------------------------------------------------
-- Project ↔ owner / developer
-- ----------------------------------------------------------------------------
INSERT INTO Project_Owner_Relationships (relationship_id, project_id, owner_id, ownership_pct, is_confidential, notes, created_by, created_date) VALUES
(1,  1,  1,  100.0, 0, NULL, 2, '2025-01-19 09:00:00'),
(2,  2,  1,  100.0, 0, NULL, 2, '2025-01-19 09:01:00'),
(3,  3,  2,  100.0, 0, NULL, 2, '2025-01-19 09:02:00'),
(4,  4,  3,  45.7,  0, 'Co-owners: Oglethorpe, MEAG Power, Dalton Utilities.', 2, '2025-01-19 09:03:00'),
(5,  5,  3,  45.7,  0, NULL, 2, '2025-01-19 09:04:00'),
(6,  6,  7,  NULL,  0, 'Offtaker; the plant is owned by TerraPower.', 3, '2025-01-19 09:05:00'),
(7,  7,  4,  100.0, 0, NULL, 3, '2025-01-19 09:06:00'),
(8,  8,  5,  NULL,  0, NULL, 3, '2025-01-19 09:07:00'),
(9,  8,  12, NULL,  1, 'Funding partner; terms confidential.', 3, '2025-01-19 09:08:00'),
(10, 10, 2,  NULL,  0, 'Power purchase agreement.', 4, '2025-01-19 09:09:00'),
(11, 10, 13, NULL,  0, NULL, 4, '2025-01-19 09:10:00'),
(12, 11, 6,  100.0, 0, NULL, 3, '2025-01-19 09:11:00'),
(13, 12, 11, 50.0,  0, 'Through RoPower Nuclear S.A.', 6, '2025-01-19 09:12:00'),
(14, 13, 8,  100.0, 0, NULL, 4, '2025-01-19 09:13:00'),
(15, 14, 8,  100.0, 0, NULL, 4, '2025-01-19 09:14:00'),
(16, 16, 10, 100.0, 0, NULL, 6, '2025-01-19 09:15:00'),
(17, 21, 7,  NULL,  0, NULL, 3, '2025-01-19 09:16:00'),
(18, 28, 2,  NULL,  0, NULL, 5, '2025-01-19 09:17:00');

-- ----------------------------------------------------------------------------
-- Project ↔ personnel (ON DELETE CASCADE children of Projects)
-- ----------------------------------------------------------------------------
INSERT INTO Project_Personnel_Relationships (relationship_id, project_id, personnel_id, role_in_project, is_confidential, notes, created_by, created_date) VALUES
(1,  1,  18, 'Owner procurement lead',  0, NULL, 2, '2025-01-20 09:00:00'),
(2,  1,  8,  'Vendor program manager',  0, NULL, 2, '2025-01-20 09:01:00'),
(3,  1,  1,  'NukeWorks account lead',  0, NULL, 2, '2025-01-20 09:02:00'),
(4,  3,  19, 'Site manager',            0, NULL, 2, '2025-01-20 09:03:00'),
(5,  3,  2,  'Licensing support',       0, NULL, 2, '2025-01-20 09:04:00'),
(6,  4,  20, 'Plant engineering',       0, NULL, 2, '2025-01-20 09:05:00'),
(7,  4,  12, 'Vendor account',          0, NULL, 2, '2025-01-20 09:06:00'),
(8,  5,  20, 'Plant engineering',       0, NULL, 2, '2025-01-20 09:07:00'),
(9,  6,  9,  'Vendor licensing',        0, NULL, 3, '2025-01-20 09:08:00'),
(10, 6,  3,  'Supply chain review',     0, NULL, 3, '2025-01-20 09:09:00'),
(11, 7,  21, 'Owner sponsor',           0, NULL, 3, '2025-01-20 09:10:00'),
(12, 7,  10, 'Vendor business lead',    0, NULL, 3, '2025-01-20 09:11:00'),
(13, 8,  22, 'Owner project manager',   0, NULL, 3, '2025-01-20 09:12:00'),
(14, 8,  10, 'Vendor business lead',    0, NULL, 3, '2025-01-20 09:13:00'),
(15, 9,  11, 'Vendor regulatory',       0, NULL, 4, '2025-01-20 09:14:00'),
(16, 10, 11, 'Vendor regulatory',       0, NULL, 4, '2025-01-20 09:15:00'),
(17, 12, 25, 'Owner technical director', 0, NULL, 6, '2025-01-20 09:16:00'),
(18, 12, 7,  'Vendor commercial',       0, NULL, 6, '2025-01-20 09:17:00'),
(19, 12, 4,  'NukeWorks Europe lead',   0, NULL, 6, '2025-01-20 09:18:00'),
(20, 13, 13, 'Vendor project director', 0, NULL, 4, '2025-01-20 09:19:00'),
(21, 14, 13, 'Vendor project director', 0, NULL, 4, '2025-01-20 09:20:00'),
(22, 15, 14, 'Vendor site development', 0, NULL, 4, '2025-01-20 09:21:00'),
(23, 16, 24, 'Owner licensing',         0, NULL, 6, '2025-01-20 09:22:00'),
(24, 16, 4,  'NukeWorks Europe lead',   0, NULL, 6, '2025-01-20 09:23:00'),
(25, 17, 15, 'Vendor international',    0, NULL, 6, '2025-01-20 09:24:00'),
(26, 18, 16, 'Vendor program',          1, NULL, 3, '2025-01-20 09:25:00'),
(27, 24, 17, 'Vendor partnerships',     0, NULL, 6, '2025-01-20 09:26:00'),
(28, 17, 4,  'NukeWorks Europe lead',   0, 'Also covers the UK''s GBN SMR programme.', 6, '2025-01-20 09:27:00'),
(29, 11, 6,  'Fuel cycle review',       0, 'Historical: review completed before cancellation.', 3, '2025-01-20 09:28:00'),
(30, 13, 5,  'Project controls',        0, NULL, 4, '2025-01-20 09:29:00');

-- ----------------------------------------------------------------------------
-- Snapshots
-- ----------------------------------------------------------------------------
INSERT INTO Database_Snapshots (snapshot_timestamp, snapshot_type, snapshot_path, created_by, description, size_bytes) VALUES
('2025-01-20 02:00:00', 'AUTOMATED', 'snapshots/nukeworks_db_20250120_020000.sqlite', NULL, 'Nightly automated snapshot', 1843200),
('2025-01-21 16:42:11', 'MANUAL',    'snapshots/manual_before_vendor_import_20250121.sqlite', 2, 'Manual backup before Jenna''s bulk vendor import', 1904640);
