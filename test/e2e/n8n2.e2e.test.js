'use strict';
require('./suite').defineSuite('2.41.1');
