'use strict';
require('./suite').defineSuite('1.123.81');
